"""
Osaka's user-facing additions on the devnet's L2 (``OvmIsthmus``)
=================================================================

``ovm devnet`` runs Osaka on its embedded L1 and ``OvmIsthmus`` on the L2:
Prague's EVM with the OP Stack's rules, which include P256VERIFY at 0x100
(RIP-7212, 3,450 gas) but not Osaka's CLZ. So:

- solc's default output (evmVersion osaka, solc 0.8.37) deploys on the L2 and
  runs as long as it holds no CLZ, which solc emits only where the source
  asks for it (``clz`` in inline assembly): a token compiled with the
  defaults works; ``BitLength.sol`` deploys, its loop answers, and every
  function that reaches CLZ fails with geth's ``invalid opcode: CLZ`` (calls
  and estimates) or, sent anyway, is mined as failed having burnt all its gas.
  Compiled for ``prague``, as the README advises for the L2, solc refuses
  ``clz`` at compile time instead.
- A passkey-style contract verifies P-256 signatures made with
  ``cryptography`` through 0x100 (web3.py), refuses wrong ones, pays 3,450
  gas for the precompile, and the replica, rebuilding the L2 from L1, agrees.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from node_process import HERE
from rollup_support import Devnet, rpc
from test_eip7702_cast_viem import BOB, OWNER, cast, deploy, hexaddr, hexkey
from test_p256 import approve_then_refuse, direct_call, expected, precompile_gas, verdicts, verifier_code  # noqa: F401
from test_solc_osaka import bit_length_code, compile_with_defaults  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("devnet")]

SUPPLY = 10**24


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    devnet = Devnet(tmp_path_factory.mktemp("devnet-osaka") / "data")
    yield devnet
    devnet.stop()


def test_solc_default_output_without_clz_runs_on_the_l2(devnet):
    code = compile_with_defaults("TestToken.sol")["TestToken"]
    assert code["evmVersion"] == "osaka"
    url = devnet.url
    token = deploy(url, code["bytecode"] + SUPPLY.to_bytes(32, "big").hex())
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key), token,
                              "transfer(address,uint256)", hexaddr(BOB.address), "5000", "--json"))
    assert receipt["status"] == "0x1"
    assert cast("call", token, "balanceOf(address)(uint256)", hexaddr(BOB.address), "--rpc-url", url) == "5000"


def test_clz_is_an_invalid_opcode_on_the_l2(devnet, bit_length_code):  # noqa: F811 (the fixture imported above)
    url = devnet.url
    contract = deploy(url, bit_length_code["bytecode"])  # the constructor reaches no CLZ
    assert cast("call", contract, "bitLengthByLoop(uint256)(uint256)", "1000", "--rpc-url", url) == "10"
    for signature in ("leadingZeros(uint256)(uint256)", "bitLength(uint256)(uint256)"):
        refused = cast("call", contract, signature, "1000", "--rpc-url", url, check=False)
        assert "invalid opcode: CLZ" in refused
    measure = cast("calldata", "measure(uint256)", "1000")
    with pytest.raises(RuntimeError) as refused_estimate:
        rpc(url, "eth_estimateGas", {"from": hexaddr(OWNER.address), "to": contract, "data": measure})
    assert refused_estimate.value.args[0] == {"code": -32000, "message": "invalid opcode: CLZ"}

    # sent anyway, with a gas limit of its own: mined, failed, all its gas burnt
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key), contract,
                              "measure(uint256)", "1000", "--gas-limit", "100000", "--json"))
    assert receipt["status"] == "0x0" and int(receipt["gasUsed"], 16) == 100_000 and receipt["logs"] == []
    assert cast("call", contract, "lastBitLength()(uint256)", "--rpc-url", url) == "0"

    # compiled for the L2's EVM, the same source does not compile
    refused = subprocess.run(
        ["node", str(HERE / "compile.mjs"), "--latest", "--evm-version", "prague", str(HERE / "BitLength.sol")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 1
    assert 'The "clz" instruction is only available for Osaka-compatible VMs' in refused.stderr


def test_a_p256_signature_verified_on_the_l2(devnet, verifier_code):  # noqa: F811 (the fixture imported above)
    url = devnet.url
    assert verdicts(url, verifier_code) == expected(has_p256=True)
    contract, number = approve_then_refuse(url, verifier_code)
    assert direct_call(url) == (1).to_bytes(32, "big").hex()
    assert precompile_gas(url) == 21_000 + 640 + 3450  # RIP-7212's price, half Osaka's

    devnet.wait_until(lambda: int(rpc(devnet.replica_url, "eth_blockNumber"), 16) >= number,
                      "the replica to derive the block", 180)  # fmt: skip
    assert cast("call", contract, "approvals()(uint256)", "--rpc-url", devnet.replica_url) == "1"
