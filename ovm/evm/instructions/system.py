"""
System instructions
===================

Calls, creations, RETURN, REVERT and SELFDESTRUCT. A call or creation works out
its gas (EIP-150's all-but-one-64th, EIP-2929 access costs), checks what can
fail without running code (balance, depth, address collision), and then hands
a new frame to the machine, which runs it next (``FrameSwitch``) or, for a
precompile or empty code, finishes it at once.

The four calls are written once and built per way of finding the code to run
(``call_instructions``): an account's own code (``CALLS``, to Cancun), or,
from Prague, its delegate's where it holds a delegation designator
(``CALLS_FOLLOWING_DELEGATION``, EIP-7702: the delegate's access is paid on top
of the target's, warm 100 or cold 2600, and a delegate that is a precompile
runs nothing).
"""

from typing import Callable

from ...primitives import rlp
from ...primitives.crypto import keccak256
from .. import gas as G
from ..delegation import delegated_address
from ..exceptions import FrameSwitch, OutOfGas, Revert, Stop, WriteInStaticContext
from ..frame import Frame
from ..memory import charge, expand, expand_for_two, read
from ..transactions import MAX_NONCE
from .environment import COLD_SURCHARGE, word_to_address


# -- calls --------------------------------------------------------------------


CodeLoader = Callable[[Frame, bytes], "tuple[bytes, bytes, bool, int]"]
"""How a call finds the code to run at an address: ``(code address, code,
whether it is a delegate's, extra access gas)``; a fork's calls are built
around one (``call_instructions``)."""


def own_code(f: Frame, address: bytes) -> tuple[bytes, bytes, bool, int]:
    """The account's own code (up to Cancun)."""
    return address, f.state.get_code(address), False, 0


def delegated_code(f: Frame, address: bytes) -> tuple[bytes, bytes, bool, int]:
    """The delegate's code if the account holds a delegation designator
    (EIP-7702), one step only, paying for the delegate's access (warm or cold)
    and warming it; else the account's own code."""
    state = f.state
    code = state.get_code(address)
    delegate = delegated_address(code)
    if delegate is None:
        return address, code, False, 0
    cost = G.WARM_ACCESS if state.warm_address(delegate) else G.COLD_ACCOUNT_ACCESS
    return delegate, state.get_code(delegate), True, cost


def call_instructions(load_code: CodeLoader) -> dict[str, Callable]:
    """CALL, CALLCODE, DELEGATECALL and STATICCALL, finding code with ``load_code``."""

    def call(f):
        s = f.stack
        gas = s.pop()
        target = word_to_address(s.pop())
        value = s.pop()
        in_offset, in_size, out_offset, out_size = s.pop(), s.pop(), s.pop(), s.pop()
        expand_for_two(f, in_offset, in_size, out_offset, out_size)
        state = f.state
        extra = 0 if state.warm_address(target) else COLD_SURCHARGE
        code_address, code, delegated, access = load_code(f, target)
        extra += access
        if value:
            extra += G.CALL_VALUE
            if not state.is_alive(target):
                extra += G.NEW_ACCOUNT
        charge(f, extra)
        if f.is_static and value:
            raise WriteInStaticContext
        _message_call(
            f, gas, value, f.address, target, code_address, code, delegated, True, f.is_static,
            in_offset, in_size, out_offset, out_size,
        )

    def callcode(f):
        s = f.stack
        gas = s.pop()
        target = word_to_address(s.pop())
        value = s.pop()
        in_offset, in_size, out_offset, out_size = s.pop(), s.pop(), s.pop(), s.pop()
        expand_for_two(f, in_offset, in_size, out_offset, out_size)
        extra = 0 if f.state.warm_address(target) else COLD_SURCHARGE
        code_address, code, delegated, access = load_code(f, target)
        extra += access
        if value:
            extra += G.CALL_VALUE
        charge(f, extra)
        _message_call(
            f, gas, value, f.address, f.address, code_address, code, delegated, True, f.is_static,
            in_offset, in_size, out_offset, out_size,
        )

    def delegatecall(f):
        s = f.stack
        gas = s.pop()
        target = word_to_address(s.pop())
        in_offset, in_size, out_offset, out_size = s.pop(), s.pop(), s.pop(), s.pop()
        expand_for_two(f, in_offset, in_size, out_offset, out_size)
        extra = 0 if f.state.warm_address(target) else COLD_SURCHARGE
        code_address, code, delegated, access = load_code(f, target)
        charge(f, extra + access)
        _message_call(
            f, gas, f.value, f.caller, f.address, code_address, code, delegated, False, f.is_static,
            in_offset, in_size, out_offset, out_size,
        )

    def staticcall(f):
        s = f.stack
        gas = s.pop()
        target = word_to_address(s.pop())
        in_offset, in_size, out_offset, out_size = s.pop(), s.pop(), s.pop(), s.pop()
        expand_for_two(f, in_offset, in_size, out_offset, out_size)
        extra = 0 if f.state.warm_address(target) else COLD_SURCHARGE
        code_address, code, delegated, access = load_code(f, target)
        charge(f, extra + access)
        _message_call(
            f, gas, 0, f.address, target, code_address, code, delegated, True, True,
            in_offset, in_size, out_offset, out_size,
        )

    return {"CALL": call, "CALLCODE": callcode, "DELEGATECALL": delegatecall, "STATICCALL": staticcall}


CALLS = call_instructions(own_code)
CALLS_FOLLOWING_DELEGATION = call_instructions(delegated_code)
"""Prague's calls (EIP-7702): an account with a delegation designator runs its delegate's code."""


def _message_call(
    f, requested_gas, value, caller, target, code_address, code, delegated, transfers_value, is_static,
    in_offset, in_size, out_offset, out_size,
):
    """Common tail of the four calls, after memory and access costs are paid."""
    available = f.gas - f.gas // 64
    gas = requested_gas if requested_gas < available else available
    f.gas -= gas
    moves_value = transfers_value and value
    if moves_value:
        gas += G.CALL_STIPEND
    f.return_data = b""
    s = f.stack
    if f.depth >= G.CALL_DEPTH_LIMIT or (
        moves_value and f.state.get_balance(f.address) < value
    ):
        f.gas += gas
        s.append(0)
        return
    child = Frame(
        f.machine,
        caller=caller,
        address=target,
        code_address=code_address,
        value=value,
        data=read(f, in_offset, in_size),
        code=code,
        gas=gas,
        depth=f.depth + 1,
        is_static=is_static,
        transfers_value=transfers_value,
        ret_offset=out_offset,
        ret_size=out_size,
        parent=f,
    )
    if f.machine.enter(child, delegated):
        raise FrameSwitch


# -- creation -----------------------------------------------------------------


def create_address(sender: bytes, nonce: int) -> bytes:
    return keccak256(rlp.encode([sender, rlp.int_to_be(nonce)]))[12:]


def create2_address(sender: bytes, salt: int, initcode: bytes) -> bytes:
    return keccak256(b"\xff" + sender + salt.to_bytes(32, "big") + keccak256(initcode))[12:]


def create(f):
    s = f.stack
    value = s.pop()
    offset = s.pop()
    size = s.pop()
    _create(f, value, offset, size, None)


def create2(f):
    s = f.stack
    value = s.pop()
    offset = s.pop()
    size = s.pop()
    salt = s.pop()
    _create(f, value, offset, size, salt)


def _create(f, value: int, offset: int, size: int, salt: int | None) -> None:
    word_cost = G.INITCODE_WORD if salt is None else G.INITCODE_WORD + G.KECCAK256_WORD
    charge(f, word_cost * ((size + 31) >> 5))
    expand(f, offset, size)
    if size > G.MAX_INITCODE_SIZE:
        raise OutOfGas
    if f.is_static:
        raise WriteInStaticContext
    state = f.state
    sender = f.address
    initcode = read(f, offset, size)
    nonce = state.get_nonce(sender)
    if salt is None:
        address = create_address(sender, nonce)
    else:
        address = create2_address(sender, salt, initcode)
    state.warm_address(address)
    gas = f.gas - f.gas // 64
    f.gas -= gas
    f.return_data = b""
    if state.get_balance(sender) < value or nonce == MAX_NONCE or f.depth >= G.CALL_DEPTH_LIMIT:
        f.gas += gas
        f.stack.append(0)
        return
    state.increment_nonce(sender)
    if state.has_code_or_nonce(address) or state.has_storage(address):
        f.stack.append(0)
        return
    child = Frame(
        f.machine,
        caller=sender,
        address=address,
        code_address=address,
        value=value,
        data=b"",
        code=initcode,
        gas=gas,
        depth=f.depth + 1,
        is_create=True,
        parent=f,
    )
    if f.machine.enter(child):
        raise FrameSwitch


# -- halting ------------------------------------------------------------------


def return_(f):
    s = f.stack
    offset = s.pop()
    size = s.pop()
    expand(f, offset, size)
    f.output = read(f, offset, size)
    raise Stop


def revert(f):
    s = f.stack
    offset = s.pop()
    size = s.pop()
    expand(f, offset, size)
    f.output = read(f, offset, size)
    raise Revert


def selfdestruct(f):
    beneficiary = word_to_address(f.stack.pop())
    state = f.state
    cost = 0 if state.warm_address(beneficiary) else G.COLD_ACCOUNT_ACCESS
    balance = state.get_balance(f.address)
    if balance and not state.is_alive(beneficiary):
        cost += G.SELFDESTRUCT_NEW_ACCOUNT
    charge(f, cost)
    if f.is_static:
        raise WriteInStaticContext
    if balance:
        state.transfer(f.address, beneficiary, balance)
    if f.address in state.created:
        # EIP-6780: only a contract created in this transaction is deleted;
        # ether sent to itself is burnt.
        if state.get_balance(f.address):
            state.set_balance(f.address, 0)
        state.mark_selfdestructed(f.address)
    state.touch(beneficiary)
    raise Stop
