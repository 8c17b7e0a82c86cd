"""
viem's OP Stack ``estimateTotalFee`` works on ovm
=================================================

viem adds Isthmus's operator fee (``GasPriceOracle.getOperatorFee(gasUsed)``)
to the L1 data fee and the L2 gas. ovm does not adopt the operator fee, so
GasPriceOracle answers zero, and the total is exactly the L1 fee plus the L2
gas at the gas price, as the chain charges (README, "The L2's forks").
"""

from __future__ import annotations

import asyncio
import json

from rpc_support import node, run
from support import REPO

from ovm.chain import ChainConfig, dev_accounts, schedule_of
from ovm.evm.forks import OVM_FJORD
from ovm.evm.l2 import L1Origin, l1_info_deposit
from ovm.primitives.crypto import keccak256
from ovm.rollup.genesis import l2_genesis

ALICE, BOB = dev_accounts()[:2]
GWEI = 10**9
ORIGIN = L1Origin(number=99, timestamp=1_000, base_fee=20 * GWEI, blob_base_fee=7, hash=b"\x0e" * 32)
SCRIPT = REPO / "tests" / "node" / "rpc" / "viem_total_fee.mjs"


async def viem(url: str) -> dict:
    process = await asyncio.create_subprocess_exec(
        "node", str(SCRIPT), url, "0x" + ALICE.private_key.hex(), "0x" + BOB.address.hex(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=REPO,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


def test_viem_estimates_the_total_fee_with_a_zero_operator_fee(tmp_path):
    async def go():
        async with node(tmp_path, genesis=l2_genesis(ChainConfig(forks=schedule_of(OVM_FJORD)))) as rpc:
            rpc.ctx.chain.build_block([l1_info_deposit(ORIGIN, 0, bytes(32), 1368, 810949)])
            direct = await rpc("eth_call", {"to": "0x420000000000000000000000000000000000000f",
                                            "data": operator_fee_call(21_000)}, "latest")
            return await viem(rpc.url), direct

    answer, direct = run(go())
    assert int(direct, 16) == 0
    assert int(answer["operatorFee"]) == 0
    assert int(answer["l1Fee"]) > 0
    assert int(answer["totalFee"]) == int(answer["l1Fee"]) + int(answer["gas"]) * int(answer["gasPrice"])


def operator_fee_call(gas_used: int) -> str:
    """``getOperatorFee(uint256)``'s calldata."""
    return "0x" + (keccak256(b"getOperatorFee(uint256)")[:4] + gas_used.to_bytes(32, "big")).hex()
