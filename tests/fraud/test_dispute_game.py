"""
The dispute game on a real L1
=============================

Whole games of ``DisputeGame`` on anvil, played by ``ovm.fraud.game`` clients
from real step-machine traces (``game_world``): an honest challenger against
a wrong output, a lying challenger against a right one, a clock run out, two
games on one output, every refused move, and a withdrawal refused while a
game is open.
"""

from __future__ import annotations

import math

import pytest
from anvil_process import Anvil
from game_world import (
    CHALLENGE_BOND,
    CHALLENGE_PERIOD,
    CLOCK,
    MOVE_BOND,
    PROPOSER_BOND,
    STEP_BOND,
    Chain,
    Lie,
    Rollup,
    play_out,
)

from ovm.fraud.game import CHALLENGER_WON, DEFENDER_WON, STEPS, Move
from ovm.rollup.deploy import GameParameters, deploy_rollup
from ovm.rollup.l1 import DevChain
from ovm.rollup.l1.data import L1Error
from ovm.rollup.withdrawals import Proof, Withdrawal

BLOCKS_IN_CHAIN = 6


@pytest.fixture(scope="module")
def anvil():
    process = Anvil()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def chain():
    return Chain(BLOCKS_IN_CHAIN)


@pytest.fixture
def rollup(anvil, chain):
    return Rollup(anvil.url, chain)


def refused(reason: str):
    return pytest.raises(L1Error, match=reason)


def test_an_honest_challenger_deletes_a_wrong_output_and_those_after_it(rollup, chain):
    liar = Lie(chain, block=3, step=5)
    rollup.propose(chain, 1)  # (three blocks to output 1: the honest side is the one to prove the step)
    rollup.propose(liar, 4, 6)
    challenger = rollup.client_for(rollup.challenger, chain)
    defender = rollup.client_for(rollup.proposer, liar)
    game_id, _ = challenger.challenge(1)
    assert rollup.scc.call("isDisputed", 1) and rollup.scc.call("isDisputed", 2)
    assert not rollup.scc.call("isDisputed", 0)

    receipts = play_out(rollup, game_id, challenger, defender)

    state = challenger.state(game_id)
    assert state.status == CHALLENGER_WON and state.challenger_to_move  # won by its one-step proof
    assert state.phase == STEPS and state.step_block == 3  # the first block the liar got wrong
    assert rollup.scc.call("outputCount") == 1  # outputs 1 and 2 deleted
    assert rollup.scc.call("bond") == 0  # the proposer's bond slashed …
    [resolved] = rollup.game.events_in(receipts[-1], "GameResolved")
    assert resolved.args["outputDeleted"]
    bonds = CHALLENGE_BOND + MOVE_BOND * (state.moves - 1) + STEP_BOND  # one move left single steps
    assert rollup.game.call("credit", challenger.account) == PROPOSER_BOND + bonds == resolved.args["payout"]
    before = rollup.client.balance(challenger.account)
    receipt = challenger.withdraw()  # … and paid to the challenger with every bond of the game
    paid = rollup.client.balance(challenger.account) - before + receipt.gas_used * receipt.effective_gas_price
    assert paid == PROPOSER_BOND + bonds
    assert not rollup.scc.call("isDisputed", 0)
    # Moves: the challenge, then ⌈log2(blocks)⌉ + ⌈log2(steps)⌉ bisections and the proof at most.
    assert state.moves + 1 <= math.ceil(math.log2(4 - 1)) + math.ceil(math.log2(chain.max_steps)) + 2


def test_a_game_of_degree_8_bisects_in_fewer_moves(anvil, chain):
    rollup = Rollup(anvil.url, chain, degree=8)
    liar = Lie(chain, block=4, step=9)
    rollup.propose(chain, 1)
    rollup.propose(liar, 6)
    challenger = rollup.client_for(rollup.challenger, chain)
    game_id, _ = challenger.challenge(1)
    play_out(rollup, game_id, challenger, rollup.client_for(rollup.proposer, liar))
    state = challenger.state(game_id)
    assert state.status == CHALLENGER_WON and state.step_block == 4
    assert rollup.scc.call("outputCount") == 1
    assert state.moves <= math.ceil(math.log(6 - 1, 8)) + math.ceil(math.log(chain.max_steps, 8)) + 1


def test_a_lying_challenger_loses_its_bonds_and_the_output_finalizes(rollup, chain):
    rollup.propose(chain, 2, 5)
    liar = rollup.client_for(rollup.challenger, Lie(chain, block=4, step=7))
    defender = rollup.client_for(rollup.proposer, chain)
    game_id, _ = liar.challenge(1)
    play_out(rollup, game_id, liar, defender)

    state = defender.state(game_id)
    assert state.status == DEFENDER_WON
    assert rollup.scc.call("outputCount") == 2 and rollup.scc.call("bond") == PROPOSER_BOND
    assert rollup.game.call("credit", defender.account) >= CHALLENGE_BOND
    assert rollup.game.call("credit", liar.account) == 0
    rollup.pass_time(CHALLENGE_PERIOD)
    assert rollup.scc.call("isFinalized", 1)


def test_a_clock_run_out_loses_the_game(rollup, chain):
    liar = Lie(chain, block=1, step=3)
    rollup.propose(liar, 1)
    challenger = rollup.client_for(rollup.challenger, chain)
    game_id, _ = challenger.challenge(0)
    assert challenger.state(game_id).phase == STEPS  # one block from the anchor: its steps at once
    anyone = rollup.client_for(rollup.anyone, chain)
    rollup.pass_time(CLOCK - 5)
    with refused("the clock has not run out"):
        anyone.resolve_timeout(game_id)
    assert 0 < rollup.game.call("timeLeft", game_id) <= 5
    rollup.pass_time(10)  # the proposer never answered
    assert rollup.game.call("timeLeft", game_id) == 0
    anyone.resolve_timeout(game_id)
    assert challenger.state(game_id).status == CHALLENGER_WON
    assert rollup.scc.call("outputCount") == 0
    with refused("game is not open"):
        anyone.resolve_timeout(game_id)


def test_a_game_lost_on_purpose_does_not_save_a_wrong_output(rollup, chain):
    liar = Lie(chain, block=2, step=4)
    rollup.propose(chain, 1)
    rollup.propose(liar, 3)
    accomplice = rollup.client_for(rollup.other, Lie(chain, block=2, step=9, salt=b"other"))  # then sleeps
    honest = rollup.client_for(rollup.challenger, chain)
    defender = rollup.client_for(rollup.proposer, liar)
    lost, _ = accomplice.challenge(1)
    won, _ = honest.challenge(1)
    defender.play(lost)
    rollup.pass_time(CLOCK + 1)
    accomplice.resolve_timeout(lost)
    assert accomplice.state(lost).status == DEFENDER_WON
    assert rollup.scc.call("isDisputed", 1)  # the honest game is still open
    play_out(rollup, won, honest, defender)
    assert honest.state(won).status == CHALLENGER_WON
    assert rollup.scc.call("outputCount") == 1


def test_moves_against_the_rules_are_refused(rollup, chain):
    liar = Lie(chain, block=3, step=6)
    rollup.propose(chain, 1)
    rollup.propose(liar, 4)
    challenger = rollup.client_for(rollup.challenger, chain)
    defender = rollup.client_for(rollup.proposer, liar)
    with refused("the proposer cannot challenge itself"):
        defender.challenge(1)
    game_id, _ = challenger.challenge(1)
    state = challenger.state(game_id)

    with refused("not your move"):  # moving twice
        challenger.play(game_id, defender.honest_move(state))
    with refused("not your move"):  # moving for the other side
        rollup.client_for(rollup.anyone, liar).play(game_id, defender.honest_move(state))
    move = defender.honest_move(state)
    with refused("not the last bisection"):  # answering another claim
        rollup.game.transact(rollup.proposer, "move", game_id, state.claims[::-1], move.index, move.claims,
                             value=MOVE_BOND)  # fmt: skip
    with refused("must start at the segment's first claim"):
        defender.play(game_id, Move(move.index, [move.claims[-1], *move.claims[1:]]))
    agreeing = [*move.claims[:-1], state.claims[move.index + 1]]  # (FrameBlockTrace ends at the root itself)
    with refused("must dispute the segment's last claim"):
        defender.play(game_id, Move(move.index, agreeing))
    with refused("wrong number of claims"):
        defender.play(game_id, Move(move.index, move.claims[:-1]))
    with refused("wrong bond"):
        rollup.game.transact(rollup.proposer, "move", game_id, state.claims, move.index, move.claims, value=1)
    with refused("a block range is bisected, not proven"):
        defender.play(game_id, Move(move.index, witness=chain.step_proof(3, 0)))

    proved_wide = False
    while True:
        state = challenger.state(game_id)
        side = challenger if state.challenger_to_move else defender
        move = side.honest_move(state)
        if move.witness is not None:
            break
        if state.phase == STEPS and not proved_wide:
            start = state.positions()[move.index]
            with refused("the segment is more than one step"):
                side.play(game_id, Move(move.index, witness=chain.step_proof(state.step_block, start)))
            proved_wide = True
        side.play(game_id, move)
    assert proved_wide and side is challenger  # the honest side is left a single step to prove
    with refused("not your move"):
        defender.play(game_id, move)
    forged = bytearray(move.witness)
    forged[3 * 32 + 9 * 32 + 31] ^= 1  # the pc of the machine the proof opens
    with refused("the witness does not open the pre-state"):
        side.play(game_id, Move(move.index, witness=bytes(forged)))
    positions = state.positions()
    true_end = [i for i in range(len(positions) - 1)
                if state.claims[i + 1] == chain.step_commitment(3, positions[i + 1])]  # fmt: skip
    assert true_end  # the liar's last bisection goes from a true claim to a true one somewhere
    with refused("the step gives the disputed claim"):  # a right step does not disprove a right claim
        side.play(game_id, Move(true_end[0], witness=chain.step_proof(3, positions[true_end[0]])))
    rollup.pass_time(CLOCK + 1)
    with refused("your clock has run out"):
        side.play(game_id, move)


def test_a_withdrawal_is_refused_while_a_game_is_open(rollup, chain):
    liar = Lie(chain, block=3, step=2)
    rollup.propose(chain, 2)
    rollup.propose(liar, 4, 6)
    game_id, _ = rollup.client_for(rollup.challenger, chain).challenge(1)
    rollup.pass_time(CHALLENGE_PERIOD)
    proof = withdrawal_proof(output_index=1)
    with refused("L1Bridge: output disputed"):
        rollup.bridge.transact(rollup.anyone, "finalizeWithdrawal", proof)
    with refused("L1Bridge: output disputed"):  # an output after it, which the game could delete too
        rollup.bridge.transact(rollup.anyone, "finalizeWithdrawal", withdrawal_proof(output_index=2))
    assert not rollup.scc.call("isFinalized", 2)
    with refused("the challenge period is over"):
        rollup.client_for(rollup.other, chain).challenge(0)
    assert rollup.scc.call("isFinalized", 0)  # the output before it is not disputed
    with refused("SCC: outputs still in challenge period"):  # the proposer's bond cannot leave mid-game
        rollup.scc.transact(rollup.proposer, "withdrawBond")
    rollup.client_for(rollup.anyone, chain).resolve_timeout(game_id)  # the proposer never answered
    assert rollup.scc.call("outputCount") == 1 and rollup.scc.call("bond") == 0


def withdrawal_proof(output_index: int) -> bytes:
    """A well-formed ``finalizeWithdrawal`` argument against ``output_index`` (its output root
    proof is not the output's: the bridge must refuse before it looks)."""
    withdrawal = Withdrawal(0, b"\x01" * 20, b"\x02" * 20, 1, 0, b"", bytes(32), 0)
    return Proof(withdrawal, output_index, 0, bytes(32), bytes(32), bytes(32), ()).encoded()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    with DevChain.start(tmp_path_factory.mktemp("embedded-l1"), instant=True) as l1:
        yield l1


def test_a_whole_game_on_the_embedded_l1(embedded, chain):
    """The same game as the first, with ovm's own EVM running the contracts."""
    rollup = Rollup(embedded.url, chain)
    liar = Lie(chain, block=3, step=5)
    rollup.propose(chain, 1)
    rollup.propose(liar, 4, 6)
    challenger = rollup.client_for(rollup.challenger, chain)
    game_id, _ = challenger.challenge(1)
    play_out(rollup, game_id, challenger, rollup.client_for(rollup.proposer, liar))
    state = challenger.state(game_id)
    assert state.status == CHALLENGER_WON and state.challenger_to_move  # won by its one-step proof
    assert rollup.scc.call("outputCount") == 1 and rollup.scc.call("bond") == 0


def test_a_game_is_the_only_challenger_of_its_deployment(anvil, chain):
    rollup = Rollup(anvil.url, chain)
    with pytest.raises(ValueError, match="the game is the challenger"):
        deploy_rollup(rollup.client, rollup.deployer, batcher=b"\x01" * 20, proposer=b"\x02" * 20,
                      challenge_period=1, bond=1, l2_genesis_timestamp=0, challenger=b"\x03" * 20,
                      game=GameParameters(2, 64, 1, 1, 1, 1, bytes(32), 0))  # fmt: skip
    assert bytes(rollup.scc.call("challenger")) == rollup.game.address


def test_the_disputed_outputs_are_every_one_from_the_lowest_open_game_on(rollup, chain):
    rollup.propose(chain, 1, 2, 3, 4)
    opened = {}
    for index, salt in ((2, b"a"), (0, b"b"), (1, b"c"), (1, b"d")):  # out of order, twice at 1
        client = rollup.client_for(rollup.challenger, Lie(chain, block=index + 1, step=3, salt=salt))
        opened.setdefault(index, []).append(client.challenge(index)[0])
    assert rollup.game.call("openHint", 2) == 2  # output 1 (+1) is the highest disputed below 2

    def disputed():
        return [rollup.scc.call("isDisputed", index) for index in range(4)]

    assert disputed() == [True, True, True, True]
    rollup.pass_time(CLOCK + 1)  # the proposer answers none of them
    anyone = rollup.client_for(rollup.anyone, chain)
    anyone.resolve_timeout(opened[1][0])
    assert disputed() == [True, True, True, True]  # the other game at output 1 and the one at 0 are open
    anyone.resolve_timeout(opened[0][0])
    assert disputed() == [False, True, True, True]
    anyone.resolve_timeout(opened[1][1])
    assert disputed() == [False, False, True, True]
    anyone.resolve_timeout(opened[2][0])
    assert disputed() == [False, False, False, False]
    assert rollup.game.call("openHint", 3) == 0
