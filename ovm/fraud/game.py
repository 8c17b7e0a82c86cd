"""
The dispute game client
=======================

Plays games of ``DisputeGame`` (``contracts/src/fraud/DisputeGame.sol``,
``docs/fraud-proofs.md`` "The dispute game") for one side from a
``TraceProvider``: the output roots of L2 blocks and the commitments of the
steps of a block, padded with the block's end commitment up to the game's
``maxSteps``, and the witness of any step. ``GameClient.state`` reads a game
(its last bisection from the ``Moved`` event); ``honest_move`` computes the
answer to it that the trace supports; ``play`` sends it. A liar is the same
client over a trace that lies.

The challenger daemon of issue #13 (following L1 and the replica, deciding
which outputs to challenge, restarting mid-game) is built on this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..primitives.crypto import private_key_to_address
from ..rollup.artifacts import load
from ..rollup.l1.client import L1Client
from ..rollup.l1.contract import Contract
from ..rollup.l1.data import L1Receipt

OPEN, CHALLENGER_WON, DEFENDER_WON = 1, 2, 3
BLOCKS, STEPS = 0, 1


class TraceProvider(Protocol):
    """What one side believes: the chain's output roots and its blocks' step traces."""

    def output_root(self, l2_block: int) -> bytes:
        """The output root of L2 block ``l2_block`` (the anchor's for the anchor block)."""

    def step_commitment(self, l2_block: int, step: int) -> bytes:
        """The commitment before step ``step`` of block ``l2_block``'s trace; past the
        block's last step, its end commitment."""

    def step_proof(self, l2_block: int, step: int) -> bytes:
        """The ``IBlockTrace.step`` witness of step ``step`` of block ``l2_block``."""


class GameError(Exception):
    """The game cannot be played from this trace (it agrees with every claim, say)."""


@dataclass(frozen=True)
class GameState:
    """A game as ``DisputeGame.game`` and its last ``Moved`` event show it."""

    id: int
    challenger: bytes
    output_index: int
    status: int
    phase: int
    challenger_to_move: bool
    output_root: bytes
    start: int
    length: int
    step_block: int
    moves: int
    claims: list[bytes]

    def positions(self) -> list[int]:
        """The positions of the last bisection's claims."""
        segments = len(self.claims) - 1
        return [self.start + self.length * i // segments for i in range(segments + 1)]


@dataclass(frozen=True)
class Move:
    """The answer to a game's last bisection: pick segment ``index`` and bisect it with
    ``claims``, or (``witness`` set) prove its single step."""

    index: int
    claims: list[bytes] | None = None
    witness: bytes | None = None


class GameClient:
    """One side (``key``'s account) of the games of the DisputeGame at ``address``."""

    def __init__(self, client: L1Client, address: bytes, key: bytes, trace: TraceProvider) -> None:
        self.client = client
        self.contract = Contract.at(client, load("DisputeGame"), address)
        self.key = key
        self.account = private_key_to_address(key)
        self.trace = trace
        self.degree = self.contract.call("degree")
        self.max_steps = self.contract.call("maxSteps")

    # -- reading ------------------------------------------------------------------------

    def state(self, game_id: int) -> GameState:
        fields = self.contract.call("game", game_id)
        (challenger, output_index, status, phase, challenger_to_move, output_root, _, _, start, length,
         step_block, _, _, _, moves, _) = fields  # fmt: skip
        moved = self.contract.events("Moved", topics=[game_id.to_bytes(32, "big")])
        claims = [bytes(claim) for claim in moved[-1].args["claims"]] if moved else []
        return GameState(game_id, bytes(challenger), output_index, status, phase, challenger_to_move,
                         bytes(output_root), start, length, step_block, moves, claims)  # fmt: skip

    def my_turn(self, state: GameState) -> bool:
        mover = state.challenger if state.challenger_to_move else self.contract.call("proposer")
        return state.status == OPEN and bytes(mover) == self.account

    # -- deciding -----------------------------------------------------------------------

    def claim_at(self, phase: int, step_block: int, position: int) -> bytes:
        if phase == BLOCKS:
            return self.trace.output_root(position)
        return self.trace.step_commitment(step_block, position)

    def honest_move(self, state: GameState) -> Move:
        """Pick the first segment whose end claim this trace disputes, and bisect it (or,
        a single step, prove it)."""
        positions = state.positions()
        mine = [self.claim_at(state.phase, state.step_block, p) for p in positions]
        if mine[0] != state.claims[0]:
            raise GameError(f"game {state.id}: this trace disputes the claim both sides accept")
        index = next((i for i in range(len(mine) - 1) if mine[i + 1] != state.claims[i + 1]), None)
        if index is None:
            raise GameError(f"game {state.id}: this trace agrees with every claim of the last bisection")
        start, end = positions[index], positions[index + 1]
        if end - start == 1 and state.phase == STEPS:
            return Move(index, witness=self.trace.step_proof(state.step_block, start))
        if end - start == 1:
            return Move(index, claims=self.bisection(STEPS, end, 0, self.max_steps))
        return Move(index, claims=self.bisection(state.phase, state.step_block, start, end - start))

    def bisection(self, phase: int, step_block: int, start: int, length: int) -> list[bytes]:
        segments = min(self.degree, length)
        return [self.claim_at(phase, step_block, start + length * i // segments) for i in range(segments + 1)]

    # -- acting -------------------------------------------------------------------------

    def challenge(self, output_index: int) -> tuple[int, L1Receipt]:
        """Opens a game against output ``output_index`` with this trace's first bisection."""
        scc = Contract.at(self.client, load("StateCommitmentChain"), bytes(self.contract.call("scc")))
        _, _, l2_block = scc.call("getOutput", output_index)
        if output_index == 0:
            start = self.contract.call("anchorBlock")
        else:
            start = scc.call("getOutput", output_index - 1)[2]
        if l2_block - start == 1:
            claims = self.bisection(STEPS, l2_block, 0, self.max_steps)
        else:
            claims = self.bisection(BLOCKS, 0, start, l2_block - start)
        bond = self.contract.call("challengeBond") + self._bond_of(STEPS if l2_block - start == 1 else BLOCKS,
                                                                   self.max_steps if l2_block - start == 1
                                                                   else l2_block - start)  # fmt: skip
        hint = self.contract.call("openHint", output_index)
        receipt = self.contract.transact(self.key, "challenge", output_index, claims, hint, value=bond)
        [started] = self.contract.events_in(receipt, "GameStarted")
        return started.args["id"], receipt

    def play(self, game_id: int, move: Move | None = None) -> L1Receipt:
        """Sends ``move`` (the honest one by default) in game ``game_id``."""
        state = self.state(game_id)
        move = move or self.honest_move(state)
        if move.witness is not None:
            return self.contract.transact(self.key, "prove", game_id, state.claims, move.index, move.witness)
        bond = self.contract.call("bondFor", game_id, move.index)
        return self.contract.transact(self.key, "move", game_id, state.claims, move.index, move.claims, value=bond)

    def resolve_timeout(self, game_id: int) -> L1Receipt:
        return self.contract.transact(self.key, "resolveTimeout", game_id)

    def withdraw(self) -> L1Receipt:
        return self.contract.transact(self.key, "withdraw")

    def _bond_of(self, phase: int, length: int) -> int:
        segments = min(self.degree, length)
        single = phase == STEPS and length // segments == 1
        return self.contract.call("stepBond" if single else "moveBond")
