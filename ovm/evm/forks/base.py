"""
The fork object
===============

A fork is one frozen object: its ``InstructionSet`` (for each of the 256 byte
values, the opcode's facts from ``ovm.evm.opcodes`` or none, its static gas
and its handler — undefined opcodes bound to ``invalid``), its precompiles
and the transaction types it accepts. Both engines read the same instruction
set: the interpreter charges its static gas before each handler, the
transpiler sums the same static gas per basic block and calls the same
handlers (``ovm.transpiler.analysis``), so a fork that reprices an opcode
reprices it for both. Code asks the fork; it never compares fork names.

A fork after the first is derived from its parent by listing what changes
(``Fork.derive``): the opcodes it adds (each with its static gas; the opcode's
facts, with ``since`` naming this fork, are in ``ovm.evm.opcodes``), the
opcodes it reprices, the handlers it replaces, the precompiles and
transaction types it adds. A fork's file is that list; there are no
``if fork >= ...`` tests and no subclasses.

From Prague a fork sets ``calldata_floor_per_token``: a transaction uses at
least 21000 gas plus that much per calldata token, and its gas limit must
cover that floor (``ovm.evm.intrinsic.calldata_floor_gas``); 0 is no floor.
From Osaka it sets ``max_transaction_gas``: no transaction may have a larger
gas limit (``ovm.evm.validation.check_transaction_gas_cap``); ``None`` is no cap.

From Prague a fork sets ``code_delegation`` (EIP-7702): a transaction whose
target holds a delegation designator runs the delegate's code, and a sender
holding one may still send (``ovm.evm.delegation``). Its call instructions
follow designators too, but those are handlers like any other
(``ovm.evm.instructions.system.CALLS_FOLLOWING_DELEGATION``).

An L2 fork also carries ``l2``, the OP Stack's rules (``ovm.evm.l2.L2Rules``:
fee vaults, the L1 data fee, the header's withdrawals root); Ethereum's forks
have none. An L2 fork is made from the Ethereum fork whose EVM it runs by
``Fork.on_l2``, which keeps that fork's instruction set object, so the two
share translations.

A chain that restricts what may be deployed (``ovm.safety.bytecode_policy``)
runs a copy of its fork with a ``deployment_check``: the machine asks it about
every creation's initcode before it runs and about the code a creation returns
before it is stored. A refusal ends the creation as ``DeploymentRejected``.
Every node of the chain must run the same check: it decides the state.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Protocol

from ..instructions import control_flow, expressions, stack
from ..l2 import L2Rules
from ..opcodes import BY_NAME, Kind, OpInfo
from ..precompiles import Precompile
from ..transactions import BlobTransaction, DepositTransaction


class DeploymentCheck(Protocol):
    """Says why code may not be deployed, or ``None`` if it may."""

    def check_initcode(self, deployer: bytes, address: bytes, initcode: bytes) -> str | None: ...

    def check_code(self, deployer: bytes, address: bytes, code: bytes) -> str | None: ...


def shared_handler(info: OpInfo) -> Callable | None:
    """The interpreter's handler for an opcode whose semantics are shared data
    (an expression, a stack shape), or ``None`` if it needs one written out."""
    name = info.name
    if info.kind is Kind.PURE:
        return expressions.pure_handler(name)
    if info.kind is Kind.FRAME_VALUE:
        return expressions.frame_value_handler(name)
    if info.kind is Kind.PUSH:
        return stack.make_push(info.immediate) if info.immediate else stack.push0
    if info.kind is Kind.DUP:
        return stack.make_dup(info.inputs)
    if info.kind is Kind.SWAP:
        return stack.make_swap(info.inputs - 1)
    return None


@dataclass(frozen=True, eq=False)
class InstructionSet:
    """What each byte value is in one fork: ``info[op]`` (``None`` where the
    opcode is undefined), ``static_gas[op]`` and ``handlers[op]``.

    Compared and hashed by identity: translated programs are cached per
    instruction set (``ovm.transpiler.cache``), so two forks that share one
    (a fork and its copy with a deployment check, an L1 fork and its L2
    twin) share translations, and a repricing never reuses them."""

    info: tuple[OpInfo | None, ...]
    static_gas: tuple[int, ...]
    handlers: tuple[Callable, ...]

    @classmethod
    def build(cls, schedule: Mapping[str, int], handlers: Mapping[str, Callable]) -> InstructionSet:
        """The instruction set of the opcodes named in ``schedule`` (name ->
        static gas); each opcode's handler is its shared one or ``handlers[name]``."""
        info: list[OpInfo | None] = [None] * 256
        static_gas = [0] * 256
        table: list[Callable] = [control_flow.invalid] * 256
        for name, gas in schedule.items():
            op = BY_NAME[name]
            handler = handlers.get(name) or shared_handler(op)
            if handler is None:
                raise ValueError(f"no handler for {name}")
            info[op.code], static_gas[op.code], table[op.code] = op, gas, handler
        return cls(tuple(info), tuple(static_gas), tuple(table))

    def defined(self) -> Iterable[OpInfo]:
        return (op for op in self.info if op is not None)

    def derive(
        self,
        fork_name: str,
        add: Mapping[str, int],
        reprice: Mapping[str, int],
        handlers: Mapping[str, Callable],
    ) -> InstructionSet:
        """This set with the opcodes of ``add`` (name -> static gas), the new
        static gas of ``reprice`` and the new ``handlers``."""
        schedule = {op.name: self.static_gas[op.code] for op in self.defined()}
        current = {op.name: self.handlers[op.code] for op in self.defined()}
        for name in add:
            op = BY_NAME.get(name)
            if op is None or op.since != fork_name:
                raise ValueError(f"{fork_name} adds {name}, which ovm.evm.opcodes does not list as since {fork_name}")
            if name in schedule:
                raise ValueError(f"{fork_name} adds {name}, which is already defined")
        for name in reprice:
            if name not in schedule:
                raise ValueError(f"{fork_name} reprices {name}, which is not defined")
        for name in handlers:
            if name not in add and name not in schedule:
                raise ValueError(f"{fork_name} gives a handler for {name}, which is not defined")
            if name not in add and BY_NAME[name].kind is not Kind.HANDLER:
                # The transpiler inlines these from the shared semantics; a
                # new interpreter handler alone would split the two engines.
                raise ValueError(f"{name}'s semantics are shared by both engines; change them in ovm.evm.instructions")
        return InstructionSet.build({**schedule, **add, **reprice}, {**current, **handlers})


@dataclass(frozen=True)
class Fork:
    name: str
    instruction_set: InstructionSet
    precompiles: dict[bytes, Precompile]
    transaction_types: frozenset[int]
    deployment_check: DeploymentCheck | None = None
    l2: L2Rules | None = None
    calldata_floor_per_token: int = 0
    max_transaction_gas: int | None = None
    code_delegation: bool = False

    def derive(
        self,
        name: str,
        *,
        add_opcodes: Mapping[str, int] = {},
        reprice: Mapping[str, int] = {},
        handlers: Mapping[str, Callable] = {},
        add_precompiles: Mapping[bytes, Precompile] = {},
        add_transaction_types: Iterable[int] = (),
        **fields,
    ) -> Fork:
        """The next fork: this one with the listed additions and changes
        (``fields`` replaces any other field outright)."""
        return dataclasses.replace(
            self,
            name=name,
            instruction_set=self.instruction_set.derive(name, add_opcodes, reprice, handlers),
            precompiles={**self.precompiles, **add_precompiles},
            transaction_types=self.transaction_types | frozenset(add_transaction_types),
            **fields,
        )

    def on_l2(self, name: str, rules: L2Rules, add_precompiles: Mapping[bytes, Precompile] = {}) -> Fork:
        """This fork's EVM on an OP Stack L2: the same instructions, these
        precompiles added, deposits (0x7E) accepted and blob transactions not
        (Ecotone disables them on L2, specs ``exec-engine.md``), and ``rules``."""
        return dataclasses.replace(
            self,
            name=name,
            precompiles={**self.precompiles, **add_precompiles},
            transaction_types=(self.transaction_types - {BlobTransaction.TYPE}) | {DepositTransaction.TYPE},
            l2=rules,
        )
