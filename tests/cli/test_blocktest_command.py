"""``ovm blocktest`` as a user runs it: a real process, its output and exit status."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from support import ETHEREUM_TESTS, run_ovm

SUITE = ETHEREUM_TESTS / "BlockchainTests"
VALID = SUITE / "ValidBlocks" / "bcExample" / "basefeeExample.json"
WRONG_GAS_LIMIT = SUITE / "InvalidBlocks" / "bcInvalidHeaderTest" / "wrongGasLimit.json"
NONCE_TOO_LOW = SUITE / "InvalidBlocks" / "bcStateTests" / "TransactionNonceCheck.json"
CHECK_GAS_LIMIT = SUITE / "InvalidBlocks" / "bcEIP1559" / "checkGasLimit.json"


def summary(result: subprocess.CompletedProcess) -> str:
    return result.stdout.strip().splitlines()[-1]


def edited(tmp_path, source, name: str, edit) -> str:
    """A copy of a one-test fixture file, its test changed by ``edit(test)``."""
    tests = json.loads(source.read_text())
    for test in tests.values():
        edit(test)
    path = tmp_path / name
    path.write_text(json.dumps(tests))
    return str(path)


def test_valid_and_invalid_blocks_pass():
    result = run_ovm("blocktest", str(VALID), str(WRONG_GAS_LIMIT), str(NONCE_TOO_LOW))
    assert result.returncode == 0, result.stdout + result.stderr
    assert summary(result) == "3 passed, 0 failed, 0 skipped"


def test_json_output_has_one_object_per_test():
    result = run_ovm("blocktest", "--json", str(CHECK_GAS_LIMIT), str(SUITE / "ValidBlocks" / "bcExample"))
    lines = result.stdout.strip().splitlines()
    tests = [json.loads(line) for line in lines[:-1]]
    assert len(tests) == 5
    keys = {"file", "name", "fork", "pass", "imported", "rejected", "lastBlockHash", "stateRoot", "error",
            "seconds"}  # fmt: skip
    assert all(keys <= set(test) and test["pass"] and test["fork"] == "Cancun" for test in tests)
    check = next(test for test in tests if test["name"] == "checkGasLimit_Cancun")
    assert (check["imported"], check["rejected"]) == (3, 2)  # blocks after a rejected one still import
    expected = json.loads(CHECK_GAS_LIMIT.read_text())["checkGasLimit_Cancun"]["lastblockhash"]
    assert check["lastBlockHash"] == expected
    assert lines[-1] == "5 passed, 0 failed, 0 skipped"


def test_other_forks_are_skipped_or_filtered(tmp_path):
    assert summary(run_ovm("blocktest", "--fork", "Shanghai", str(VALID))) == "0 passed, 0 failed, 0 skipped"
    older = edited(tmp_path, VALID, "older.json", lambda test: test.update(network="Shanghai"))
    result = run_ovm("blocktest", older)
    assert result.returncode == 0
    assert summary(result) == "0 passed, 0 failed, 1 skipped"


def set_expectation(expectation):
    def edit(test):
        test["blocks"][0]["expectException"] = expectation
    return edit


def drop_expectation(test):
    del test["blocks"][0]["expectException"]


def richer_post_state(test):
    account = test["postState"]["0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"]
    account["balance"] = hex(int(account["balance"], 16) + 1)


BROKEN = {
    "last_hash.json": (VALID, lambda test: test.update(lastblockhash="0x" + "00" * 32), "last block hash 0x"),
    "post_state.json": (
        VALID, richer_post_state,
        r"post-state root 0x[0-9a-f]+ != expected 0x[0-9a-f]+ "
        r"\(accounts differing: 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b\)",
    ),
    "genesis.json": (
        VALID, lambda test: test.update(genesisRLP=test["genesisRLP"][:-2] + "c1"),
        "genesis block does not encode",
    ),
    "not_rejected.json": (
        VALID, set_expectation("BlockException.INVALID_STATE_ROOT"),
        "block 1 imported, expected BlockException.INVALID_STATE_ROOT",
    ),
    "not_accepted.json": (
        WRONG_GAS_LIMIT, drop_expectation, r"block 1 rejected \(gas limit\): gas limit 100000 is not within",
    ),
    "wrong_reason.json": (
        NONCE_TOO_LOW, set_expectation("BlockException.INVALID_STATE_ROOT"),
        r"block 1 rejected for its transaction \(transaction 0: nonce too low.*\), expected BlockException",
    ),
}  # fmt: skip


def test_failures_are_reported_with_file_test_and_reason(tmp_path):
    for file_name, (source, edit, _) in BROKEN.items():
        edited(tmp_path, source, file_name, edit)
    result = run_ovm("blocktest", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(BROKEN) + 1
    for file_name, (source, _, message) in BROKEN.items():
        name = next(iter(json.loads(source.read_text())))
        prefix = f"FAIL {tmp_path / file_name}::{name} [Cancun]: "
        line = next(line for line in lines if line.startswith(prefix))
        assert re.search(message, line), line
    assert lines[-1] == f"0 passed, {len(BROKEN)} failed, 0 skipped"


def test_malformed_files_are_those_files_failures(tmp_path):
    (tmp_path / "a_garbage.json").write_text("{not json")
    (tmp_path / "b_state_test.json").write_text('{"x": {"post": {}}}')
    (tmp_path / "c_missing_genesis.json").write_text('{"x": {"network": "Cancun", "blocks": []}}')
    (tmp_path / "d_valid.json").write_text(VALID.read_text())
    result = run_ovm("blocktest", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "not a blockchain test file" in result.stdout
    assert "c_missing_genesis.json::x [Cancun]: malformed test: KeyError" in result.stdout
    assert summary(result) == "1 passed, 3 failed, 0 skipped"


@pytest.mark.parametrize(
    "args, message",
    [
        (["blocktest", "/no/such/path.json"], "no such file or directory"),
        (["blocktest", "--fork", "Atlantis", str(VALID)], "unknown fork 'Atlantis'"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(args, message):
    result = run_ovm(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
