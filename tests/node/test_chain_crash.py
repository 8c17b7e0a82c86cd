"""
Crash safety
============

``crash_writer.py`` builds blocks in a loop and says what it committed; it is
killed with SIGKILL at random moments of its work, several times: after a
random number of the lines it prints (so each life gets somewhere, however
slow the machine), and a random fraction of a second more. After each kill the
store reopens (``Blockchain`` verifies the head state against its root), the
chain is continuous, every block the writer announced is there with the
announced hash, and every transaction it acknowledged is in a block or still
pending. At the end every block is executed again from genesis, which must
give every header's state root.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crash_writer import GENESIS
from ovm.chain import BlockBuilder, genesis_block, genesis_state
from ovm.evm.forks import CANCUN
from ovm.evm.transactions import transaction_hash
from ovm.node.chain import Blockchain
from ovm.node.store import ChainStore

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = 6
LINES_PER_LIFE = 40  # at most, after "ready": about 8 blocks of 4 transactions
WORK_TIMEOUT = 120


class Writer:
    """The writer process and the lines it has printed so far."""

    def __init__(self, datadir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WRITER), str(datadir)], stdout=subprocess.PIPE, text=True
        )
        self.lines: list[list[str]] = []
        self._printed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.endswith("\n"):  # a line cut by the kill says nothing
                with self._printed:
                    self.lines.append(line.split())
                    self._printed.notify_all()
        with self._printed:
            self._printed.notify_all()

    def wait_for_lines(self, count: int, timeout: float) -> bool:
        """Whether the writer printed ``count`` whole lines within ``timeout`` s."""
        with self._printed:
            return self._printed.wait_for(
                lambda: len(self.lines) >= count or self.process.poll() is not None, timeout
            ) and len(self.lines) >= count

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._reader.join()
        self.process.stdout.close()


def run_and_kill(datadir: Path, rng: random.Random) -> list[list[str]]:
    """One life of the writer: killed once it has printed "ready" and then a random
    number of acks and blocks, plus a random moment into what it does next. So every
    life makes progress, and with the leftovers of the last one committed first, a
    life after one that acked only commits a block."""
    writer = Writer(datadir)
    if not writer.wait_for_lines(1 + rng.randint(1, LINES_PER_LIFE), WORK_TIMEOUT):
        writer.kill()
        pytest.fail(f"the crash writer did not get going: {writer.lines[-3:]}")
    time.sleep(rng.uniform(0, 0.05))
    writer.kill()
    assert writer.process.returncode == -signal.SIGKILL, writer.lines[-3:]
    return writer.lines


def check_store(datadir: Path, blocks: dict[int, str], acked: set[bytes]) -> int:
    """Reopen and check everything the writer announced; return the head number."""
    with ChainStore.open(datadir) as store:
        chain = Blockchain(store, GENESIS)  # raises if the state does not match its root
        head = chain.head
        assert chain.state.state_root() == head.header.state_root
        for number in range(1, head.number + 1):
            assert store.header(number).parent_hash == store.canonical_hash(number - 1)
        for number, block_hash in blocks.items():
            assert number <= head.number and store.canonical_hash(number).hex() == block_hash
        pending = {transaction_hash(tx) for tx in chain.pending_transactions()}
        for tx_hash in acked:
            assert tx_hash in pending or chain.receipt(tx_hash) is not None
        return head.number


def replay_from_genesis(datadir: Path) -> int:
    """Execute every stored block again on the genesis state; check each root."""
    with ChainStore.open(datadir) as store:
        state = genesis_state(GENESIS)
        parent = genesis_block(GENESIS, state).header
        number = 1
        while (block := store.block(number)) is not None:
            header = block.header
            builder = BlockBuilder(
                parent, state, GENESIS.config, CANCUN, timestamp=header.timestamp,
                coinbase=header.coinbase, ancestor_hash=store.canonical_hash,
            )  # fmt: skip
            for tx in block.transactions:
                builder.add_transaction(tx)
            assert builder.finish() == block
            parent, number = header, number + 1
        return number - 1


@pytest.mark.slow
def test_a_killed_writer_restarts_at_its_last_committed_block(tmp_path):
    seed = random.randrange(1 << 32)
    print(f"crash test seed {seed}")  # shown if the test fails
    rng = random.Random(seed)
    datadir = tmp_path / "chain"
    blocks: dict[int, str] = {}
    acked: set[bytes] = set()
    heads = []
    for _ in range(KILLS):
        for kind, *values in run_and_kill(datadir, rng):
            if kind == "block":
                blocks[int(values[0])] = values[1]
            elif kind == "ack":
                acked.add(bytes.fromhex(values[0]))
        heads.append(check_store(datadir, blocks, acked))
    assert heads[-1] > 0, "no block was committed"
    assert replay_from_genesis(datadir) == heads[-1]
