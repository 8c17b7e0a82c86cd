"""
Hardhat's ``signTypedData`` through an unlocked account
=======================================================

A Hardhat 2 project (``tests/e2e/hardhat``, hardhat-ethers) whose network is
a real ``ovm node``: its first signer is the node's unlocked dev account 0,
so ``signer.signTypedData`` reaches the node's ``eth_signTypedData_v4``. The
signature must recover to that account in ethers and, independently, in
Python (eth_keys over the EIP-712 digest); a signer for an account the node
does not hold must get the node's refusal.
"""

from __future__ import annotations

import json
import os
import subprocess

from eth_keys import keys
from node_process import HERE, NODE_BIN

from ovm.chain.dev_accounts import dev_accounts

PROJECT = HERE / "hardhat"


def test_hardhat_signs_typed_data_with_the_nodes_unlocked_account(node):
    out = subprocess.run(
        [str(NODE_BIN / "hardhat"), "run", "--no-compile", "sign_typed_data.cjs"],
        cwd=PROJECT, capture_output=True, text=True, timeout=180,
        env={**os.environ, "OVM_RPC_URL": node.url, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    owner = "0x" + dev_accounts()[0].address.hex()
    assert result["signer"].lower() == result["recovered"].lower() == owner

    signature = bytes.fromhex(result["signature"][2:])
    assert len(signature) == 65 and signature[64] in (27, 28)
    recovered = keys.Signature(signature[:64] + bytes([signature[64] - 27])).recover_public_key_from_msg_hash(
        bytes.fromhex(result["digest"][2:]))
    assert recovered.to_checksum_address().lower() == owner
    assert "unknown account 0x000000000000000000000000000000000000dead" in result["foreignError"]  # the node said so
