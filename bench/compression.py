#!/usr/bin/env python3
"""
Batch compression: FastLZ beside zlib and brotli, and what a transaction costs on L1
====================================================================================

For each workload — realistic signed L2 transactions from ``tests/l2_blocks.py``
(ETH transfers, ERC-20 transfers, a few deployments; fixed seeds) in blocks of
a given size — the blocks are cut into batches by the batcher's own
``BatchBuilder`` (120,000 bytes, the calldata limit), and the same batches are
compressed four ways:

* **FastLZ frames**: the batch as posted (``ovm.rollup.batch``: each block its
  own FastLZ frame behind a table of offsets), the only form an L1 contract can
  take one block out of;
* **zlib-9 / brotli-11 frames**: the same layout with each frame compressed by
  zlib (level 9) or brotli (quality 11) instead;
* **… whole**: the blocks' RLP concatenated and compressed as one stream, as the
  OP Stack compresses a channel: the best ratio, but no block can be read alone.

Sizes are given as a percentage of the blocks' RLP (what a batch would carry
uncompressed). Then, per L2 transaction: L1 bytes, calldata gas (the
``appendBatch(bytes)`` call's ABI-encoded input at 16 gas per nonzero byte and 4
per zero byte), and all L1 gas, which adds each batch's 21,000 intrinsic gas and
the inbox's own execution (its record of the batch and its event), measured on a
real anvil (Cancun) for every FastLZ batch and shared among the batch's
transactions. The same FastLZ batches are also posted in blobs
(``appendBlobBatch()`` in an EIP-4844 transaction, as the devnet's batcher
posts them): blob gas (131,072 per blob, priced in its own market) and the
transaction's ordinary gas (21,000, the 4-byte input, the inbox's execution),
again measured on anvil. Finally the gas to take one block out of a ~100 kB batch with
``BatchReader`` (contracts/src/lib/BatchReader.sol, through the test harness).

    .venv/bin/python bench/compression.py [--txs 4000] [--markdown bench/results/compression.md] [--no-anvil]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import brotli
from eth_abi import encode as abi_encode
from web3 import Web3

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.gas import GAS_PER_BLOB
from ovm.primitives.crypto import keccak256
from ovm.primitives import fastlz
from ovm.rollup.artifacts import load
from ovm.rollup.batch import BatchBuilder, BlockFrameData, assemble_batch, encode_block, encode_frame
from ovm.rollup.batcher import BLOB_BATCH_GAS
from ovm.rollup.blob_data import blob_count, to_blobs
from ovm.rollup.l1 import Contract, L1Client

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tests' realistic blocks: one workload for tests and bench
from anvil_process import Anvil  # noqa: E402
from l2_blocks import MIXES, make_blocks  # noqa: E402

BUILD_SCRIPT = REPO / "contracts" / "build.mjs"
WORKLOADS = (("mixed", 20), ("mixed", 200), ("erc20", 200), ("eth", 200))
CALLDATA_LIMIT = 120_000
EXTRACTION_BATCH_LIMIT = 100_000
TX_BASE_GAS = 21_000
APPEND_BATCH = keccak256(b"appendBatch(bytes)")[:4]
CODECS = {
    "FastLZ": fastlz.compress,
    "zlib-9": lambda data: zlib.compress(data, 9),
    "brotli-11": lambda data: brotli.compress(data, quality=11),
}


@dataclass
class Row:
    """One workload's figures."""

    mix: str
    txs_per_block: int
    txs: int
    batches: list[list[BlockFrameData]]
    rlp_bytes: int
    frames: dict[str, int]  # codec -> bytes of all batches in the frame layout
    whole: dict[str, int]  # codec -> bytes of all batches compressed whole
    calldata_gas: dict[str, int]  # codec -> calldata gas of all appendBatch calls (frame layout)
    inbox_gas: list[int] | None = None  # measured execution gas of each FastLZ batch's appendBatch
    blob_tx_gas: list[int] | None = None  # measured gas of each FastLZ batch's appendBlobBatch transaction

    @property
    def fastlz_layouts(self) -> list[bytes]:
        return [assemble_batch([encode_frame(block) for block in batch]) for batch in self.batches]

    @property
    def blobs(self) -> int:
        """Blobs the FastLZ batches take."""
        return sum(blob_count(len(layout)) for layout in self.fastlz_layouts)


def cut_batches(blocks: list[BlockFrameData], limit: int) -> list[list[BlockFrameData]]:
    """The batches the batcher's builder makes of ``blocks`` under ``limit`` bytes."""
    batches, builder = [], BatchBuilder(limit)
    for block in blocks:
        if not builder.add(block):
            batches.append(list(builder.blocks))
            builder = BatchBuilder(limit)
            builder.add(block)
    batches.append(list(builder.blocks))
    return batches


def input_gas(call_input: bytes) -> int:
    """Calldata gas of a transaction input: 16 per nonzero byte, 4 per zero byte."""
    zeros = call_input.count(0)
    return 4 * zeros + 16 * (len(call_input) - zeros)


def calldata_gas(data: bytes) -> int:
    """The calldata gas of ``appendBatch(data)``."""
    return input_gas(APPEND_BATCH + abi_encode(["bytes"], [data]))


def measure(mix: str, txs_per_block: int, total_txs: int, seed: int) -> Row:
    """One workload: its blocks cut into batches, and each codec's sizes and calldata gas."""
    blocks = make_blocks(seed=seed, count=max(1, total_txs // txs_per_block), txs_per_block=txs_per_block, mix=mix)
    batches = cut_batches(blocks, CALLDATA_LIMIT)
    payloads = [[encode_block(block) for block in batch] for batch in batches]
    frames, whole, gas = {}, {}, {}
    for name, codec in CODECS.items():
        layouts = [assemble_batch([codec(payload) for payload in batch]) for batch in payloads]
        frames[name] = sum(map(len, layouts))
        gas[name] = sum(map(calldata_gas, layouts))
        whole[name] = sum(len(codec(b"".join(batch))) for batch in payloads)
    return Row(mix, txs_per_block, len(blocks) * txs_per_block, batches,
               sum(len(p) for batch in payloads for p in batch), frames, whole, gas)


# --- anvil ----------------------------------------------------------------------


class BenchL1:
    """A real anvil (the tests' ``anvil_process``, with room for 100 kB batches) and
    web3 on it, to deploy and call the rollup's contracts."""

    def __init__(self) -> None:
        self.anvil = Anvil("--gas-limit", "60000000")
        self.url = self.anvil.url
        self.w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 120}))

    def deploy(self, abi: list, bytecode: str, *args):
        sender = self.w3.eth.accounts[0]
        tx = self.w3.eth.contract(abi=abi, bytecode=bytecode).constructor(*args).transact({"from": sender})
        address = self.w3.eth.wait_for_transaction_receipt(tx).contractAddress
        return self.w3.eth.contract(address=address, abi=abi)

    def stop(self) -> None:
        self.anvil.stop()


def measure_inbox(anvil: BenchL1, rows: list[Row]) -> None:
    """Posts every FastLZ batch to a BatchInbox and keeps each call's execution gas (beyond
    the intrinsic 21,000 and the calldata)."""
    artifact = load("BatchInbox")
    batcher = anvil.w3.eth.accounts[0]
    inbox = anvil.deploy(artifact.abi, "0x" + artifact.bytecode.hex(), batcher)
    warm_up = inbox.functions.appendBatch(b"\x01").transact({"from": batcher})  # the first batch pays more
    anvil.w3.eth.wait_for_transaction_receipt(warm_up)
    client = L1Client(anvil.url)
    blob_inbox = Contract.at(client, artifact, bytes.fromhex(inbox.address[2:]))
    key = dev_accounts()[0].private_key  # anvil's accounts[0]
    for row in rows:
        row.inbox_gas, row.blob_tx_gas = [], []
        for data in row.fastlz_layouts:
            tx = inbox.functions.appendBatch(data).transact({"from": batcher, "gas": 30_000_000})
            receipt = anvil.w3.eth.wait_for_transaction_receipt(tx)
            row.inbox_gas.append(receipt.gasUsed - TX_BASE_GAS - calldata_gas(data))
            blob_tx = blob_inbox.send(key, "appendBlobBatch", gas=BLOB_BATCH_GAS, blobs=to_blobs(data))
            row.blob_tx_gas.append(client.txs.confirm(blob_tx).gas_used)


def measure_extraction(anvil: BenchL1) -> dict:
    """Gas of BatchReader.blockFrame for the last block of a ~100 kB batch of 200-transfer blocks."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["node", str(BUILD_SCRIPT), "--root", str(REPO), "--out", out, "tests/contracts/sol"],
                       check=True, capture_output=True)
        harness = json.loads((Path(out) / "BatchReaderHarness.json").read_text())
    reader = anvil.deploy(harness["abi"], harness["bytecode"])
    blocks = make_blocks(seed=7, count=10, txs_per_block=200, mix="erc20")
    batch_blocks = cut_batches(blocks, EXTRACTION_BATCH_LIMIT)[0]
    batch = assemble_batch([encode_frame(block) for block in batch_blocks])
    index = len(batch_blocks) - 1
    total = reader.functions.blockFrame(batch, index).estimate_gas()
    cost = input_gas(bytes.fromhex(reader.encode_abi("blockFrame", args=[batch, index])[2:]))
    return {"batch_bytes": len(batch), "blocks": len(batch_blocks), "txs": len(batch_blocks[-1].transactions),
            "frame_bytes": len(encode_block(batch_blocks[-1])), "total": total, "calldata": cost,
            "execution": total - TX_BASE_GAS - cost}


# --- report ---------------------------------------------------------------------


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %"


def ratio_table(rows: list[Row]) -> list[str]:
    names = list(CODECS)
    lines = ["| workload | L2 txs | batches | RLP bytes | " + " | ".join(f"{n} frames" for n in names) + " | "
             + " | ".join(f"{n} whole" for n in names) + " |",
             "|---|---|---|---|" + "---|" * (2 * len(names))]
    for row in rows:
        lines.append(f"| {row.mix}, {row.txs_per_block} txs/block | {row.txs:,} | {len(row.batches)} | "
                     f"{row.rlp_bytes:,} | " + " | ".join(percent(row.frames[n], row.rlp_bytes) for n in names)
                     + " | " + " | ".join(percent(row.whole[n], row.rlp_bytes) for n in names) + " |")
    return lines


def cost_table(rows: list[Row]) -> list[str]:
    names = list(CODECS)
    lines = ["| workload | " + " | ".join(f"{n} L1 bytes/tx" for n in names) + " | "
             + " | ".join(f"{n} calldata gas/tx" for n in names)
             + " | inbox execution gas/batch (median) | FastLZ all L1 gas/tx |",
             "|---|" + "---|" * (2 * len(names) + 2)]
    for row in rows:
        overhead = statistics.median(row.inbox_gas) if row.inbox_gas else None
        per_batch = len(row.batches) * TX_BASE_GAS + (sum(row.inbox_gas) if row.inbox_gas else 0)
        total = (row.calldata_gas["FastLZ"] + per_batch) / row.txs
        lines.append(f"| {row.mix}, {row.txs_per_block} txs/block | "
                     + " | ".join(f"{row.frames[n] / row.txs:.1f}" for n in names) + " | "
                     + " | ".join(f"{row.calldata_gas[n] / row.txs:,.0f}" for n in names) + " | "
                     + (f"{overhead:,.0f}" if overhead is not None else "not measured") + " | "
                     + (f"{total:,.0f}" if row.inbox_gas else "not measured") + " |")
    return lines


def blob_table(rows: list[Row]) -> list[str]:
    lines = ["| workload | FastLZ batches | blobs | blob gas/tx | blob transaction gas/batch (median) | "
             "blob transaction gas/tx |", "|---|---|---|---|---|---|"]
    for row in rows:
        measured = row.blob_tx_gas
        lines.append(f"| {row.mix}, {row.txs_per_block} txs/block | {len(row.batches)} | {row.blobs} | "
                     f"{row.blobs * GAS_PER_BLOB / row.txs:,.0f} | "
                     + (f"{statistics.median(measured):,.0f} | {sum(measured) / row.txs:,.1f} |" if measured
                        else "not measured | not measured |"))
    return lines


def report(rows: list[Row], extraction: dict | None, command: str) -> str:
    """The Markdown section: how it was measured, then the tables."""
    mix = MIXES["mixed"]
    lines = [
        "## Batch compression and L1 cost per L2 transaction",
        "",
        f"How: `{command}` on an idle machine (the script's docstring says what is measured). Blocks of "
        f"signed type-2 transactions from `tests/l2_blocks.py` (fixed seeds; `mixed` = {mix['eth']} % ETH "
        f"transfers, {mix['erc20']} % ERC-20 transfers, {mix['deploy']} % deployments of the rollup's own "
        "contracts), cut into batches of at most 120,000 bytes by `BatchBuilder`. Sizes are a share of the "
        "blocks' RLP (smaller is better). *frames* is the posted layout, one compressed frame per block "
        "behind a table of offsets; *whole* compresses each batch's blocks as one stream, as the OP Stack "
        "compresses a channel (no block can then be read alone).",
        "",
        *ratio_table(rows),
        "",
        "Per L2 transaction, with each codec's frames in the batch layout. Calldata gas counts the "
        "`appendBatch(bytes)` input at 16 gas per nonzero byte and 4 per zero byte; *all L1 gas* adds each "
        "batch's 21,000 intrinsic gas and the inbox's own execution, measured on anvil (Cancun) for every "
        "FastLZ batch.",
        "",
        *cost_table(rows),
        "",
        "The same FastLZ batches in blobs (one `appendBlobBatch()` transaction per batch, each blob "
        "holding 126,972 bytes of batch): blob gas is paid at the blob base fee, a market apart from gas "
        "(1 wei on an idle chain); the transaction's own gas, measured on anvil, is what remains at the "
        "ordinary gas price.",
        "",
        *blob_table(rows),
    ]
    if extraction:
        lines += [
            "",
            f"Taking one block out on L1: `BatchReader.blockFrame` for the last block of a "
            f"{extraction['batch_bytes']:,}-byte batch of {extraction['blocks']} blocks of {extraction['txs']} "
            f"ERC-20 transfers (the frame decompresses to {extraction['frame_bytes']:,} bytes of RLP) takes "
            f"**{extraction['total']:,} gas** = 21,000 + {extraction['calldata']:,} calldata + "
            f"{extraction['execution']:,} execution (`eth_estimateGas` on anvil).",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="compression.py")
    parser.add_argument("--txs", type=int, default=4000, help="L2 transactions per workload")
    parser.add_argument("--markdown", type=Path, default=REPO / "bench" / "results" / "compression.md")
    parser.add_argument("--no-anvil", action="store_true", help="skip the gas measured on anvil")
    args = parser.parse_args(argv[1:])
    rows = [measure(mix, size, args.txs, seed) for seed, (mix, size) in enumerate(WORKLOADS, start=1)]
    extraction = None
    if not args.no_anvil:
        anvil = BenchL1()
        try:
            measure_inbox(anvil, rows)
            extraction = measure_extraction(anvil)
        finally:
            anvil.stop()
    text = report(rows, extraction, f".venv/bin/python bench/compression.py --txs {args.txs}")
    print(text, end="")
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
