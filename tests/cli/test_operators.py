"""
A devnet's operator keys
========================

Where ``ovm devnet`` takes its deployer, batcher and proposer keys from (a
resumed devnet's own file, the operator's file, the environment, fresh ones),
that they are kept readable by their owner only, that bad keys are named
without being echoed, and where the funding key comes from. (Funding itself
runs against a real anvil in ``tests/e2e/test_rollup_anvil.py``.)
"""

from __future__ import annotations

import json
import re
import stat

import pytest

from ovm.chain.dev_accounts import dev_accounts
from ovm.cli.errors import UsageError
from ovm.cli.operators import KEYS_FILE, funding_key, operator_keys, parse_key, read_key_file

DEV = dev_accounts()


def test_fresh_keys_are_not_dev_keys_and_are_kept_private(tmp_path):
    keys = operator_keys(tmp_path, None, {})
    values = [keys.deployer, keys.batcher, keys.proposer]
    assert len(set(values)) == 3 and not set(values) & {account.private_key for account in DEV}
    saved = tmp_path / KEYS_FILE
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert operator_keys(tmp_path, None, {}) == keys  # a resumed devnet signs with the same keys


def test_given_keys_come_from_the_file_then_the_environment(tmp_path):
    given = tmp_path / "keys.json"
    given.write_text(json.dumps({"batcher": "0x" + DEV[1].private_key.hex()}))
    environ = {"OVM_BATCHER_KEY": "0x" + DEV[2].private_key.hex(), "OVM_PROPOSER_KEY": DEV[3].private_key.hex()}
    datadir = tmp_path / "data"
    datadir.mkdir()
    keys = operator_keys(datadir, str(given), environ)
    assert keys.batcher == DEV[1].private_key  # the file wins
    assert keys.proposer == DEV[3].private_key  # bare hex is fine
    assert keys.deployer not in {account.private_key for account in DEV}  # fresh
    assert keys.address("proposer") == DEV[3].address


@pytest.mark.parametrize("content, message", [
    ("[]", "expected a JSON object with some of deployer, batcher, proposer"),
    ('{"sequencer": "0x01"}', "expected a JSON object with some of deployer, batcher, proposer"),
    ('{"batcher": "0x1234"}', "batcher: not a private key (32 bytes of hex)"),
    ('{"batcher": "0x' + "00" * 32 + '"}', "batcher: not a private key"),
    ("{", "invalid JSON at line 1"),
])
def test_bad_key_files_are_one_line_errors(tmp_path, content, message):
    given = tmp_path / "keys.json"
    given.write_text(content)
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        operator_keys(tmp_path, str(given), {})
    assert "\n" not in str(caught.value) and str(given) in str(caught.value)


def test_a_bad_key_is_named_but_not_shown():
    secret = "0x" + "ab" * 31  # one byte short
    with pytest.raises(UsageError) as caught:
        parse_key(secret, "OVM_BATCHER_KEY")
    assert str(caught.value) == "OVM_BATCHER_KEY: not a private key (32 bytes of hex)"
    assert "ab" * 31 not in str(caught.value)


def test_the_funding_key_comes_from_its_file_then_the_environment_then_the_default(tmp_path):
    key_file = tmp_path / "funding.key"
    key_file.write_text("0x" + DEV[4].private_key.hex() + "\n")
    environ = {"OVM_FUNDING_KEY": "0x" + DEV[5].private_key.hex()}
    assert funding_key(str(key_file), environ, None) == DEV[4].private_key
    assert funding_key(None, environ, None) == DEV[5].private_key
    assert funding_key(None, {}, DEV[6].private_key) == DEV[6].private_key
    assert funding_key(None, {}, None) is None
    with pytest.raises(UsageError, match="cannot read"):
        read_key_file(tmp_path / "missing.key")
