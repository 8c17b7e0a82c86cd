"""
The explorer's index (``ovm.rollup.explorer.index``): a withdrawal's status
and time left from the outputs and L1's time, outputs deleted and proposed
again, against a stand-in state commitment chain and bridge (the whole index
runs against a real devnet in ``tests/e2e/test_dashboard_browser.py``).
"""

from __future__ import annotations

from ovm.chain.dev_accounts import dev_accounts
from ovm.rollup.config import Operator, RollupConfig, RollupContracts
from ovm.rollup.explorer.index import RollupIndex, WithdrawalLog
from ovm.rollup.l1 import BlockRef
from ovm.rollup.l1.client import L1Client

CHALLENGE = 30
WITHDRAWAL = WithdrawalLog(hash=b"\x77" * 32, nonce=0, sender=b"\x01" * 20, recipient=b"\x02" * 20,
                           amount=10**18, l2_block=5, l2_tx=b"\x55" * 32)


class StandIn:
    """The calls the index makes of the state commitment chain and the bridge."""

    def __init__(self) -> None:
        self.outputs: list[tuple[bytes, int, int]] = []
        self.paid: set[bytes] = set()

    def call(self, function: str, *args):
        if function == "outputCount":
            return len(self.outputs)
        if function == "getOutput":
            return self.outputs[args[0]]
        if function == "finalizedWithdrawals":
            return args[0] in self.paid
        raise AssertionError(f"unexpected call {function}")


def index_with(stand_in: StandIn) -> RollupIndex:
    account = dev_accounts()[3]
    config = RollupConfig(
        contracts=RollupContracts(b"\x01" * 20, b"\x02" * 20, b"\x03" * 20),
        batcher=Operator(account.address, account.private_key), proposer=Operator(account.address),
        l1_anchor=BlockRef(12, b"\xaa" * 32, 1_700_000_000), l2_genesis=BlockRef(0, b"\xbb" * 32, 1_700_000_002),
        challenge_period=CHALLENGE,
    )  # fmt: skip
    index = RollupIndex(L1Client("http://127.0.0.1:9"), config, chain=None, safe_head=lambda: 0)
    index.scc = index.bridge = stand_in  # type: ignore[assignment]
    return index


def status(index: RollupIndex, l1_time: int) -> dict:
    index.l1_time = l1_time
    index._read_outputs()
    return index._withdrawal_json(WITHDRAWAL)


def test_a_withdrawal_waits_for_an_output_then_for_its_challenge_period_then_for_l1_to_pay_it():
    chain = StandIn()
    index = index_with(chain)
    chain.outputs.append((b"\x01" * 32, 100, 3))  # before the withdrawal's block
    assert status(index, 105)["status"] == "waiting for an output"
    chain.outputs.append((b"\x02" * 32, 110, 6))
    shown = status(index, 115)
    assert shown["status"] == "in challenge period" and shown["outputIndex"] == 1
    assert shown["challengePeriodEnds"] == 110 + CHALLENGE and shown["secondsLeft"] == 25
    shown = status(index, 110 + CHALLENGE)
    assert shown["status"] == "ready to finalize" and shown["secondsLeft"] == 0
    chain.paid.add(WITHDRAWAL.hash)
    assert status(index, 200)["status"] == "finalized"
    assert [o["finalized"] for o in index.outputs(10)] == [True, True]


def test_outputs_deleted_and_proposed_again_are_read_again():
    chain = StandIn()
    index = index_with(chain)
    chain.outputs += [(b"\x01" * 32, 100, 3), (b"\x02" * 32, 110, 6)]
    assert status(index, 115)["outputIndex"] == 1
    chain.outputs[1:] = []  # deleted (a lost dispute) ...
    assert status(index, 116)["status"] == "waiting for an output"
    chain.outputs.append((b"\x03" * 32, 120, 9))  # ... and proposed again, later
    shown = status(index, 121)
    assert shown["outputIndex"] == 1 and shown["challengePeriodEnds"] == 120 + CHALLENGE
    assert index.outputs(1)[0]["root"] == "0x" + "03" * 32
    index._outputs_deleted(1)  # an OutputsDeleted event seen before the count
    assert [o["index"] for o in index.outputs(10)] == [0]
