"""
viem's OP Stack actions agree with what the chain charges
=========================================================

viem (``viem/op-stack``) estimates an L2 transaction's L1 data fee by asking
GasPriceOracle about the unsigned transaction it serializes (EIP-1559, nonce
1, 5 and 1 gwei). On ``OvmFjord`` and ``OvmIsthmus`` nodes, after an L1-info
deposit, viem's ``estimateL1Fee`` and ``estimateL1Gas`` must be the chain's
Fjord formula for those bytes (FastLZ length + 68 for the signature), and the
same transaction, signed by viem and sent, must be charged the formula on its
signed bytes, which its receipt (read by viem's OP Stack formatters) shows.
A small transaction is charged exactly its estimate: both sizes are under
Fjord's 100-byte minimum. A larger one is charged what its signature really
compresses to, within a few bytes' price of the estimate.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from rpc_support import node, run
from support import REPO

from ovm.chain import dev_accounts
from ovm.evm.forks import OVM_FJORD, OVM_ISTHMUS
from ovm.evm.l2 import FJORD_COST_FASTLZ_COEF, L1Origin, fjord_l1_cost, fjord_l1_fee, l1_fee_values, l1_info_deposit
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, decode_transaction, encode_transaction
from ovm.primitives import rlp
from ovm.primitives.fastlz import compress
from ovm.rollup.genesis import l2_genesis

ALICE, BOB = dev_accounts()[:2]
CHAIN_ID = 901
GWEI = 10**9
ORIGIN = L1Origin(number=99, timestamp=1_000, base_fee=20 * GWEI, blob_base_fee=7, hash=b"\x0e" * 32)
SCRIPT = REPO / "tests" / "node" / "rpc" / "viem_op_stack.mjs"


def unsigned(tx: FeeMarketTransaction) -> bytes:
    """The unsigned EIP-1559 serialization viem hands GasPriceOracle."""
    fields = [rlp.int_to_be(v) for v in (tx.chain_id, tx.nonce, tx.max_priority_fee_per_gas,
                                         tx.max_fee_per_gas, tx.gas)]  # fmt: skip
    return b"\x02" + rlp.encode([*fields, tx.to, rlp.int_to_be(tx.value), tx.data, []])


async def viem(url: str, data: bytes) -> dict:
    process = await asyncio.create_subprocess_exec(
        "node", str(SCRIPT), url, "0x" + ALICE.private_key.hex(), "0x" + BOB.address.hex(), "0x" + data.hex(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=REPO,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


def first_transaction() -> FeeMarketTransaction:
    tx = FeeMarketTransaction(
        chain_id=CHAIN_ID, nonce=0, max_priority_fee_per_gas=GWEI, max_fee_per_gas=3 * GWEI, gas=21_000,
        to=BOB.address, value=1, data=b"", access_list=(), y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, ALICE.private_key, CHAIN_ID)


@pytest.mark.parametrize("fork", [OVM_FJORD, OVM_ISTHMUS], ids=lambda f: f.name)
@pytest.mark.parametrize("data", [b"", bytes(range(256)) + b"\x00" * 64], ids=["transfer", "call"])
def test_viem_estimates_what_the_chain_charges(tmp_path, fork, data):
    async def go():
        async with node(tmp_path, genesis=l2_genesis(fork=fork), fork=fork) as rpc:
            chain = rpc.ctx.chain
            chain.build_block([l1_info_deposit(ORIGIN, 0, bytes(32), 1368, 810949), first_transaction()])
            values = l1_fee_values(chain.state)
            answer = await viem(rpc.url, data)
            raw = bytes.fromhex((await rpc("eth_getRawTransactionByHash", answer["hash"]))[2:])
            return answer, raw, values

    answer, raw, values = run(go())
    tx = decode_transaction(raw)
    assert answer["status"] == "success" and tx.nonce == 1 and tx.data == data
    estimated_fee, estimated_gas = fjord_l1_cost(len(compress(unsigned(tx))) + 68, values)
    assert (int(answer["estimatedL1Fee"]), int(answer["estimatedL1Gas"])) == (estimated_fee, estimated_gas)
    charged_fee, charged_gas = fjord_l1_fee(encode_transaction(tx), values)
    assert (int(answer["l1Fee"]), int(answer["l1GasUsed"])) == (charged_fee, charged_gas)
    if not data:
        assert charged_fee == estimated_fee
    else:
        per_byte = FJORD_COST_FASTLZ_COEF * (16 * values.l1_base_fee * values.base_fee_scalar
                                             + values.l1_blob_base_fee * values.blob_base_fee_scalar) // 10**12
        assert abs(charged_fee - estimated_fee) <= 4 * per_byte
