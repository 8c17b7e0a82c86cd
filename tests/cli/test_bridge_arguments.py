"""
``ovm deposit/withdraw/finalize``: whose key and which nodes
============================================================

The account comes from ``--private-key``, ``--key-file``, ``OVM_PRIVATE_KEY``
or a dev account, in that order, and a bad key is one line naming where it
came from, never the key; without a devnet pointer the commands need both
``--l1-rpc`` and ``--l2-rpc``; hashes given to ``finalize`` are checked
before anything starts.
"""

from __future__ import annotations

import logging

import pytest

from ovm.chain.dev_accounts import dev_accounts
from ovm.cli import bridge
from ovm.cli import main as cli

KEY = "0x" + "11" * 32


@pytest.fixture(autouse=True)
def root_logger_restored():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def parse(*args: str):
    return cli.build_parser().parse_args(["finalize", *args])


def test_the_account_comes_from_the_flag_the_file_the_environment_then_the_dev_accounts(tmp_path, monkeypatch):
    monkeypatch.delenv(bridge.KEY_VARIABLE, raising=False)
    assert bridge.account(parse()).address == dev_accounts()[0].address
    assert bridge.account(parse("--account", "2")).address == dev_accounts()[2].address
    monkeypatch.setenv(bridge.KEY_VARIABLE, "0x" + "22" * 32)
    assert bridge.account(parse()).private_key == bytes.fromhex("22" * 32)
    assert bridge.account(parse("--account", "2")).address == dev_accounts()[2].address  # asked for by name
    key_file = tmp_path / "key"
    key_file.write_text("33" * 32 + "\n")
    assert bridge.account(parse("--key-file", str(key_file))).private_key == bytes.fromhex("33" * 32)
    assert bridge.account(parse("--private-key", KEY)).private_key == bytes.fromhex("11" * 32)


@pytest.mark.parametrize(("args", "message"), [
    (["withdraw", "--amount", "1", "--private-key", "0x1234"],
     "ovm withdraw: --private-key: not a private key (32 bytes of hex)\n"),
    (["deposit", "--amount", "1", "--l1-rpc", "http://127.0.0.1:1", "--devnet", "/nonexistent/devnet.json"],
     "ovm deposit: no running devnet found through /nonexistent/devnet.json"),
])
def test_bad_input_is_one_line(args, message, capsys, monkeypatch):
    monkeypatch.delenv(bridge.KEY_VARIABLE, raising=False)
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "0x1234" not in err.replace("--private-key", "")


def test_a_bad_key_in_the_environment_is_named_not_shown(capsys, monkeypatch):
    monkeypatch.setenv(bridge.KEY_VARIABLE, "not-a-key-but-secret")
    assert cli.main(["withdraw", "--amount", "1", "--devnet", "/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert err == f"ovm withdraw: {bridge.KEY_VARIABLE}: not a private key (32 bytes of hex)\n"


@pytest.mark.parametrize("args", [
    ["--withdrawal", "0x12"],
    ["--tx", "0x" + "ab" * 31],
    ["--private-key", KEY, "--key-file", "k"],
    ["--withdrawal", "0x" + "ab" * 32, "--tx", "0x" + "cd" * 32],
])
def test_finalize_refuses_bad_arguments_before_anything_starts(args, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["finalize", *args])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("ovm finalize: argument --") and err.count("\n") == 1


def test_finalize_takes_hashes_in_any_case():
    args = parse("--withdrawal", "0x" + "aB" * 32, "--withdrawal", "cd" * 32)
    assert args.withdrawal == [bytes.fromhex("ab" * 32), bytes.fromhex("cd" * 32)]
