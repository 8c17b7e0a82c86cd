"""
Exceptions
==========

Two roots for the ways a frame ends early: ``ExceptionalHalt`` burns all the
frame's gas and discards its changes; ``Revert`` discards its changes but keeps
the remaining gas and returns data. ``Stop`` and ``FrameSwitch`` are control flow
of the interpreter loop, not errors.
"""

from __future__ import annotations


class EvmError(Exception):
    """A frame ended without success."""


class ExceptionalHalt(EvmError):
    """Burns all remaining gas of the frame."""


class StackUnderflow(ExceptionalHalt):
    pass


class StackOverflow(ExceptionalHalt):
    pass


class OutOfGas(ExceptionalHalt):
    pass


class InvalidOpcode(ExceptionalHalt):
    pass


class InvalidJump(ExceptionalHalt):
    pass


class WriteInStaticContext(ExceptionalHalt):
    pass


class ReturnDataOutOfBounds(ExceptionalHalt):
    pass


class InvalidContractPrefix(ExceptionalHalt):
    """Deployed code starts with 0xEF (EIP-3541)."""


class CodeSizeExceeded(ExceptionalHalt):
    """Deployed code is larger than the limit (EIP-170)."""


class DeploymentRejected(ExceptionalHalt):
    """The chain's deployment check refused a creation's initcode or returned code."""


class AddressCollision(ExceptionalHalt):
    """A creation targets an address that already has code, nonce or storage."""


class PrecompileFailure(ExceptionalHalt):
    """A precompile rejected its input."""


class FailedDeposit(ExceptionalHalt):
    """A deposit that could not start (``ovm.evm.l2.deposit_failure``): it is
    included all the same, with all its gas used (OP Stack)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"failed deposit: {reason}")


class Revert(EvmError):
    """REVERT: changes are discarded, remaining gas is returned."""


class Stop(Exception):
    """The frame halted normally (STOP, RETURN, SELFDESTRUCT)."""


class FrameSwitch(Exception):
    """The current instruction pushed a child frame: run it next."""
