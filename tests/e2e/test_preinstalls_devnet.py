"""
Preinstalls on the devnet's L2, through the tools that expect them
==================================================================

``ovm devnet`` (embedded L1): every preinstall's code is at its address on the
L2 (Permit2's written for chain 901); viem's ``multicall`` batches reads of
preinstalls and predeploys into one ``aggregate3`` call to Multicall3 (one read
failing on purpose without sinking the others), and a transaction through
``aggregate3Value`` pays two accounts; ``forge script`` with ``new
Counter{salt: …}`` deploys through the deterministic deployment proxy at
0x4e59…956C, at the CREATE2 address computed here from forge's own init code,
and the replica, which rebuilds the L2 from L1 alone, ends with the same code.

forge compiles with the npm solc through ``solc_js.cjs`` (no solc download).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from node_process import HERE, NODE_BIN
from rollup_support import Devnet, rpc
from support import REPO

from ovm.chain.dev_accounts import dev_accounts
from ovm.primitives.crypto import keccak256
from ovm.rollup import preinstalls

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("devnet")]

CHAIN_ID = 901
PAYER, DEPLOYER = dev_accounts()[1], dev_accounts()[2]
SALT = (0x0E11).to_bytes(32, "big")


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    devnet = Devnet(tmp_path_factory.mktemp("devnet-preinstalls") / "data")
    yield devnet
    devnet.stop()


def hexaddr(address: bytes) -> str:
    return "0x" + address.hex()


def test_each_preinstall_is_at_its_address(devnet):
    for entry in preinstalls.preinstalls(CHAIN_ID):
        assert rpc(devnet.url, "eth_getCode", hexaddr(entry.address), "latest") == "0x" + entry.code.hex(), entry.name
        assert rpc(devnet.url, "eth_getTransactionCount", hexaddr(entry.address), "latest") == "0x1", entry.name


def test_viem_multicall_reads_and_pays_through_multicall3(devnet):
    payee_a, payee_b = "0x" + "0a11ce".rjust(40, "0"), "0x" + "0b0b".rjust(40, "0")
    out = subprocess.run(
        ["node", str(HERE / "viem_multicall.mjs"), devnet.url, str(CHAIN_ID), "0x" + PAYER.private_key.hex(),
         hexaddr(PAYER.address), payee_a, payee_b],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    balance, chain_id, version, separator, nonce, decimals, missing = report["results"]
    assert balance["status"] == "success" and int(balance["result"]) > 0
    assert chain_id == {"status": "success", "result": str(CHAIN_ID)}
    assert version == {"status": "success", "result": "1.3.0"}  # Safe v1.3.0
    assert separator == {"status": "success", "result": "0x" + preinstalls.permit2_domain_separator(CHAIN_ID).hex()}
    assert nonce == {"status": "success", "result": "0"}  # EntryPoint v0.7's getNonce
    assert decimals == {"status": "success", "result": "6"}  # the GasPriceOracle predeploy
    assert missing["status"] == "failure" and "reverted" in missing["error"]
    assert report["status"] == "success" and report["to"] == "0xca11bde05977b3631167028862be2a173976ca11"
    assert report["balances"] == ["1", "2"]


def test_forge_script_deploys_a_salted_new_through_the_create2_deployer(devnet, tmp_path):
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    shutil.copy(HERE / "SaltedDeploy.sol", project / "src")
    (project / "foundry.toml").write_text('[profile.default]\nevm_version = "cancun"\noffline = true\n')
    env = {**os.environ, "HOME": str(tmp_path), "SOLCJS_PATH": str(REPO / "node_modules" / "solc")}
    run = subprocess.run(
        [str(NODE_BIN / "forge"), "script", "src/SaltedDeploy.sol:SaltedDeploy", "--use", str(HERE / "solc_js.cjs"),
         "--rpc-url", devnet.url, "--private-key", "0x" + DEPLOYER.private_key.hex(), "--broadcast", "--slow"],
        capture_output=True, text=True, timeout=300, cwd=project, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr

    broadcast = json.loads((project / "broadcast" / "SaltedDeploy.sol" / str(CHAIN_ID) / "run-latest.json").read_text())
    (sent,), (receipt,) = broadcast["transactions"], broadcast["receipts"]
    proxy = preinstalls.address("DeterministicDeploymentProxy")
    assert sent["transactionType"] == "CREATE2" and sent["transaction"]["to"].lower() == hexaddr(proxy)
    assert receipt["status"] == "0x1"

    artifact = json.loads((project / "out" / "SaltedDeploy.sol" / "Counter.json").read_text())
    init_code = bytes.fromhex(artifact["bytecode"]["object"][2:]) + (7).to_bytes(32, "big")
    expected = hexaddr(keccak256(b"\xff" + proxy + SALT + keccak256(init_code))[12:])
    assert sent["contractAddress"].lower() == expected
    runtime = "0x" + artifact["deployedBytecode"]["object"][2:]
    assert rpc(devnet.url, "eth_getCode", expected, "latest") == runtime
    assert int(rpc(devnet.url, "eth_call", {"to": expected, "data": "0x06661abd"}, "latest"), 16) == 7  # count()
    devnet.wait_until(lambda: rpc(devnet.replica_url, "eth_getCode", expected, "latest") == runtime,
                      "the replica to derive the salted deployment")  # fmt: skip
