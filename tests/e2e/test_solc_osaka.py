"""
solc's default output (evmVersion osaka) on ``ovm node``, with cast
===================================================================

solc as users have it now (``solc-latest`` in package.json, 0.8.37) compiles
for ``osaka`` unless told otherwise. ``BitLength.sol``, compiled with those
defaults, uses Osaka's CLZ (EIP-7939) through inline assembly; on ``ovm
node`` (Osaka by default) it deploys, its calls answer what Python's
``int.bit_length`` does, and a transaction runs CLZ in a block. The same
bytecode on the devnet's L2 (Prague's EVM) is in ``test_osaka_devnet.py``.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from node_process import HERE
from test_eip7702_cast_viem import OWNER, cast, deploy, hexkey

# 0, 1, a power of two, a word of all ones, the top bit alone, and one in between
SAMPLES = [0, 1, 2**64, 2**256 - 1, 2**255, 0x1234 << 100]


def compile_with_defaults(source: str) -> dict:
    out = subprocess.run(["node", str(HERE / "compile.mjs"), "--latest", str(HERE / source)],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out)


@pytest.fixture(scope="session")
def bit_length_code() -> dict:
    code = compile_with_defaults("BitLength.sol")["BitLength"]
    assert code["evmVersion"] == "osaka"  # solc's default: the settings name none
    assert code["compiler"].startswith("0.8.37+")
    return code


def call_uint(url: str, contract: str, signature: str, x: int) -> int:
    return int(cast("call", contract, f"{signature}(uint256)(uint256)", str(x), "--rpc-url", url).split()[0])


def test_solc_default_osaka_output_deploys_and_runs_clz(start_node, bit_length_code):
    url = start_node("--instant").url
    contract = deploy(url, bit_length_code["bytecode"])
    for x in SAMPLES:
        assert call_uint(url, contract, "leadingZeros", x) == 256 - x.bit_length()
        assert call_uint(url, contract, "bitLength", x) == x.bit_length()
        assert call_uint(url, contract, "bitLengthByLoop", x) == x.bit_length()

    x = 0x1234 << 100
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key),
                              contract, "measure(uint256)", str(x), "--json"))
    assert receipt["status"] == "0x1"
    (log,) = receipt["logs"]
    assert int(log["data"][2:66], 16) == x and int(log["data"][66:], 16) == x.bit_length()
    assert cast("call", contract, "lastBitLength()(uint256)", "--rpc-url", url) == str(x.bit_length())
