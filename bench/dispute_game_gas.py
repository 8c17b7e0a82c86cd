#!/usr/bin/env python3
"""
L1 gas of the dispute game
==========================

On a real anvil (Cancun), deploys the rollup's L1 contracts with the dispute
game (``deploy_rollup(game=…)``) once per bisection degree, and plays whole
games with ``ovm.fraud.game`` clients from real step-machine traces
(``tests/fraud/game_world``): a proposer whose output lies from a step of a
block in the middle of ``--blocks`` L2 blocks (its previous output is right),
against an honest challenger, over a step range of ``--max-steps`` (2^25
covers a 30M-gas block, every step costing at least one gas). Each
transaction's ``gasUsed`` from its receipt is recorded by kind: the challenge
(opening the game with the first bisection), a bisection over blocks, the move
into a block's steps, a bisection over steps, the one-step proof (with the
resolution and the deletion of the output), a resolution by a clock run out
(with and without a deletion), a withdrawal of the winnings. Gas does not
depend on what the claims are, only on how many there are, so a short real
trace padded to ``--max-steps`` plays the same game as a full block's.

    .venv/bin/python bench/dispute_game_gas.py [--blocks 1800] [--max-steps 33554432] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "fraud")]

from anvil_process import Anvil  # noqa: E402
from game_world import CLOCK, PROPOSER_BOND, Chain, Lie, Rollup  # noqa: E402

from ovm.fraud.game import BLOCKS, OPEN  # noqa: E402

DEGREES = (2, 4, 8, 16, 32)


def play(url: str, chain: Chain, degree: int, blocks: int, max_steps: int) -> dict:
    """Plays the game with the honest side as challenger; if the liar is then the side to
    move at the single step (the parity of the moves decides who is), plays it again with
    the honest side as defender, so that the game ends in a one-step proof."""
    result = play_one(url, chain, degree, blocks, max_steps, honest_challenger=True)
    if not result["proven"]:
        again = play_one(url, chain, degree, blocks, max_steps, honest_challenger=False)
        again["gas"].update({kind: gas for kind, gas in result["gas"].items() if kind not in again["gas"]})
        result = again
    result["degree"] = degree
    return result


def play_one(url: str, chain: Chain, degree: int, blocks: int, max_steps: int, honest_challenger: bool) -> dict:
    bad = blocks // 2 + 1  # the first block the liar gets wrong
    rollup = Rollup(url, chain, degree, max_steps=max_steps, starts=[bad])
    rollup.pass_time(blocks)  # so that the L2 blocks may exist
    liar = Lie(chain, bad, step=chain_steps(chain, bad) // 2)
    proposed = chain if not honest_challenger else liar
    rollup.propose(chain, 1)
    rollup.propose(proposed, blocks + 1)
    challenger = rollup.client_for(rollup.challenger, chain if honest_challenger else liar)
    defender = rollup.client_for(rollup.proposer, liar if honest_challenger else chain)
    gas: dict[str, list[int]] = defaultdict(list)
    game_id, receipt = challenger.challenge(1)
    gas["challenge (first bisection)"].append(receipt.gas_used)
    transactions, proven = 1, False
    while (state := challenger.state(game_id)).status == OPEN:
        side = challenger if state.challenger_to_move else defender
        move = side.honest_move(state)
        if move.witness is not None and (side is challenger) != honest_challenger:
            break  # the liar cannot prove a true step wrong
        receipt = side.play(game_id, move)
        transactions += 1
        if move.witness is not None:
            proven = True
            kind = "one-step proof and resolution" + (" with the deletion" if honest_challenger else "")
        elif state.phase == BLOCKS and state.positions()[move.index + 1] - state.positions()[move.index] == 1:
            kind = "move into a block's steps"
        else:
            kind = "bisection over blocks" if state.phase == BLOCKS else "bisection over steps"
        gas[kind].append(receipt.gas_used)
    whole = sum(sum(values) for values in gas.values())
    if proven:
        winner = challenger if honest_challenger else defender
        gas["withdrawal of the winnings"].append(winner.withdraw().gas_used)
        gas.update(timeouts(rollup, chain))
    summary = {kind: {"count": len(v), "median": int(statistics.median(v)), "max": max(v)} for kind, v in gas.items()}
    return {"transactions": transactions, "whole_game_gas": whole, "proven": proven, "gas": summary}


def timeouts(rollup: Rollup, chain: Chain) -> dict[str, list[int]]:
    """Two games against a wrong output: one whose challenger lets its clock run out after the
    defender's answer, and one whose defender never answers (the output is deleted)."""
    index = rollup.scc.call("outputCount")
    first_wrong = rollup.scc.call("getOutput", index - 1)[2] + 1
    wrong = Lie(chain, first_wrong, 1, salt=b"bench")
    if rollup.scc.call("bond") < PROPOSER_BOND:
        rollup.scc.transact(rollup.proposer, "depositBond", value=PROPOSER_BOND)  # slashed by the first game
    rollup.propose(wrong, rollup.scc.call("maxL2BlockNumber") - 1)
    sleeper = rollup.client_for(rollup.other, Lie(chain, first_wrong, 1, salt=b"other"))
    lost, _ = sleeper.challenge(index)
    rollup.client_for(rollup.proposer, wrong).play(lost)
    won, _ = rollup.client_for(rollup.challenger, chain).challenge(index)
    rollup.pass_time(CLOCK + 1)
    anyone = rollup.client_for(rollup.anyone, chain)
    lost_gas = anyone.resolve_timeout(lost).gas_used
    won_gas = anyone.resolve_timeout(won).gas_used
    return {"resolution on time, challenger lost": [lost_gas], "resolution on time, output deleted": [won_gas]}


def chain_steps(chain: Chain, block: int) -> int:
    return len(chain.steps(block))


def table(results: list[dict], blocks: int, max_steps: int) -> str:
    kinds = list(dict.fromkeys(kind for result in results for kind in result["gas"]))
    bound = math.ceil(math.log2(blocks)) + math.ceil(math.log2(max_steps))
    lines = [f"{blocks} L2 blocks between the agreed output and the disputed one, {max_steps:,} steps per block "
             f"(⌈log2⌉ + ⌈log2⌉ = {bound}); gas of each transaction (median / max):", "",
             "| kind | " + " | ".join(f"degree {r['degree']}" for r in results) + " |",
             "|---|" + "---|" * len(results)]  # fmt: skip
    for kind in kinds:
        cells = []
        for result in results:
            entry = result["gas"].get(kind)
            cells.append("—" if entry is None else f"{entry['median']:,} / {entry['max']:,} (×{entry['count']})")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines.append("| transactions in the game | " + " | ".join(str(r["transactions"]) for r in results) + " |")
    lines.append("| whole game, both sides | " + " | ".join(f"{r['whole_game_gas']:,}" for r in results) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=1800)
    parser.add_argument("--max-steps", type=int, default=1 << 25)
    parser.add_argument("--json")
    args = parser.parse_args()
    chain = Chain(args.blocks + 1)
    anvil = Anvil()
    try:
        results = [play(anvil.url, chain, degree, args.blocks, args.max_steps) for degree in DEGREES]
    finally:
        anvil.stop()
    print(table(results, args.blocks, args.max_steps))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
