"""
A small L2 chain for dispute-game tests
=======================================

``Chain`` is an L2 chain of a few blocks as far as the step machine goes
today (``FrameBlockTrace``): block ``n`` is one transaction running a
program of its own, its output root the commitment of its halted frame, the
anchor (block 0) a made-up root. ``Chain`` is the honest ``TraceProvider``
(every step of every block run through ``ovm.fraud.StepMachine``, with its
witness); ``Lie`` is a liar's, equal to it until a given step of a given block
and different from there on (and in every block after).

``Rollup`` deploys the rollup's L1 contracts with the dispute game
(``deploy_rollup(game=…)``) on a real L1 and registers what the block trace
needs (the programs' code with the code oracle, each block's first
commitment); ``play_out`` plays a game to its end with one client per side.
"""

from __future__ import annotations

import math

from eth_abi import encode
from programs import op, push, trace_input

from ovm.chain.dev_accounts import dev_accounts
from ovm.fraud import StepMachine
from ovm.fraud.game import OPEN, GameClient, GameError
from ovm.primitives.crypto import keccak256
from ovm.rollup.artifacts import load
from ovm.rollup.deploy import GameParameters, deploy_rollup, dispute_game
from ovm.rollup.l1.client import L1Client
from ovm.rollup.l1.contract import Contract
from ovm.rollup.l1.data import L1Error

ANCHOR_ROOT = keccak256(b"anchor")
CHALLENGE_PERIOD = 1000
CLOCK = 200
PROPOSER_BOND = 10**18
CHALLENGE_BOND, MOVE_BOND, STEP_BOND = 3 * 10**15, 10**15, 2 * 10**15


def program(block: int) -> bytes:
    """Block ``block``'s program: ``block`` plus a few threes, stored and returned."""
    code = push(block)
    for _ in range(block % 8 + 3):
        code += push(3) + op("ADD")
    return code + push(0) + op("MSTORE") + push(32) + push(0) + op("RETURN")


class Chain:
    """The honest trace of blocks 1 .. ``blocks`` (block 0 is the anchor); a block is run
    through the step machine when first asked about."""

    def __init__(self, blocks: int) -> None:
        self.blocks = blocks
        self._steps: dict[int, list] = {}
        # A straight-line program has at most one step per byte: the longest (block % 8 == 7), rounded up.
        self.max_steps = 1 << math.ceil(math.log2(len(program(7))))

    @staticmethod
    def code(block: int) -> bytes:
        return program(block)

    def steps(self, block: int) -> list:
        """Every step of block ``block``'s trace, with its witness."""
        if block not in self._steps:
            self._steps[block] = list(StepMachine(trace_input(program(block))).steps(lambda i: True))
        return self._steps[block]

    def output_root(self, l2_block: int) -> bytes:
        return ANCHOR_ROOT if l2_block == 0 else self.steps(l2_block)[-1].post.commitment()

    def step_commitment(self, l2_block: int, step: int) -> bytes:
        steps = self.steps(l2_block)
        return steps[step].pre.commitment() if step < len(steps) else steps[-1].post.commitment()

    def step_proof(self, l2_block: int, step: int) -> bytes:
        steps = self.steps(l2_block)
        if step < len(steps):
            return encode(["bool", "bytes"], [False, steps[step].witness.encode()])
        return encode(["bool", "bytes"], [True, steps[-1].post.encode()])


class Lie:
    """``honest`` until step ``step`` of block ``block``; every commitment from there on, and
    every output root from that block on, is another (one per ``salt``)."""

    def __init__(self, honest: Chain, block: int, step: int, salt: bytes = b"lie") -> None:
        self.honest, self.block, self.step, self.salt = honest, block, step, salt

    def output_root(self, l2_block: int) -> bytes:
        root = self.honest.output_root(l2_block)
        return keccak256(self.salt + root) if l2_block >= self.block else root

    def step_commitment(self, l2_block: int, step: int) -> bytes:
        commitment = self.honest.step_commitment(l2_block, step)
        wrong = l2_block > self.block or (l2_block == self.block and step >= self.step)
        return keccak256(self.salt + commitment) if wrong else commitment

    def step_proof(self, l2_block: int, step: int) -> bytes:
        return self.honest.step_proof(l2_block, step)


class Rollup:
    """The rollup's L1 contracts with the dispute game over ``chain``, on the L1 at ``url``."""

    def __init__(self, url: str, chain: Chain, degree: int = 2, *, max_steps: int | None = None,
                 starts: list[int] | None = None) -> None:  # fmt: skip
        """``max_steps``: the game's step range (the chain's longest trace, rounded up to a
        power of two, by default); ``starts``: the blocks whose code and first commitment to
        register (all by default)."""
        self.client = L1Client(url)
        accounts = dev_accounts()
        self.deployer, self.proposer, self.challenger, self.other, self.anyone = (a.private_key for a in accounts[:5])
        self.chain = chain
        genesis = self.client.block(0).timestamp
        self.contracts = deploy_rollup(
            self.client, self.deployer, batcher=accounts[5].address, proposer=accounts[1].address,
            challenge_period=CHALLENGE_PERIOD, bond=PROPOSER_BOND, l2_genesis_timestamp=genesis,
            game=GameParameters(degree, max_steps or chain.max_steps, CLOCK, CHALLENGE_BOND, MOVE_BOND, STEP_BOND,
                                ANCHOR_ROOT, 0),
        )  # fmt: skip
        self.game = dispute_game(self.client, self.contracts)
        self.scc = Contract.at(self.client, load("StateCommitmentChain"), self.contracts.state_commitment_chain)
        self.bridge = Contract.at(self.client, load("L1Bridge"), self.contracts.l1_bridge)
        trace = Contract.at(self.client, load("FrameBlockTrace"), bytes(self.game.call("trace")))
        verifier = Contract.at(self.client, load("OneStepVerifier"), bytes(trace.call("verifier")))
        oracle = Contract.at(self.client, load("CodeOracle"), bytes(verifier.call("codeOracle")))
        for block in starts if starts is not None else range(1, chain.blocks + 1):
            oracle.transact(self.deployer, "register", chain.code(block))
            trace.transact(self.deployer, "registerStart", chain.output_root(block - 1), block,
                           chain.step_commitment(block, 0))  # fmt: skip
        self.scc.transact(self.proposer, "depositBond", value=PROPOSER_BOND)

    def propose(self, trace, *blocks: int) -> None:
        for block in blocks:
            self.scc.transact(self.proposer, "proposeOutput", trace.output_root(block), block)

    def client_for(self, key: bytes, trace) -> GameClient:
        return GameClient(self.client, self.game.address, key, trace)

    def pass_time(self, seconds: int) -> None:
        """Mines a block ``seconds`` after the latest (whose time may run ahead of the wall
        clock on a node that makes a block per transaction)."""
        self.client.request("evm_setNextBlockTimestamp", self.client.block("latest").timestamp + seconds)
        self.client.request("evm_mine")


def play_out(rollup: Rollup, game_id: int, challenger: GameClient, defender: GameClient) -> list:
    """Plays game ``game_id`` to its end, each side's client making its honest move; a side
    that cannot move (a liar left to prove a true step, say) lets its clock run out, and a third
    party resolves. Returns the receipts of the moves in order."""
    receipts = []
    while True:
        state = challenger.state(game_id)
        if state.status != OPEN:
            return receipts
        side = challenger if challenger.my_turn(state) else defender
        try:
            receipts.append(side.play(game_id))
        except (GameError, L1Error):
            rollup.pass_time(CLOCK + 1)
            receipts.append(rollup.client_for(rollup.anyone, rollup.chain).resolve_timeout(game_id))
