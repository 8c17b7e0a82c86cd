"""
The ``ovm`` command line
========================

What every command shares: bad arguments are one line naming the command
and the argument, never a usage dump or a traceback; every command takes
``--log-level`` and logs through one handler on stderr; an unexpected
error is one line too, its traceback only at debug level.
"""

from __future__ import annotations

import logging

import pytest

from ovm.cli import main as cli
from support import run_ovm


@pytest.fixture(autouse=True)
def root_logger_restored():
    """``main`` configures the root logger: give the next test pytest's back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_a_malformed_censor_address_is_one_line_before_anything_starts():
    result = run_ovm("devnet", "--censor", "0x12")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("ovm devnet: argument --censor: not an address: '0x12' (want 0x and 40 hex digits); "
                             "see ovm devnet --help\n")


@pytest.mark.parametrize("args, message", [
    (["devnet", "--censor", "xyz"],
     "ovm devnet: argument --censor: not an address: 'xyz' (want 0x and 40 hex digits); see ovm devnet --help"),
    (["devnet", "--censor", "0x" + "ab" * 19], "ovm devnet: argument --censor: not an address"),
    (["node", "--port", "x"], "ovm node: argument --port: invalid int value: 'x'; see ovm node --help"),
    (["node", "--block-time", "soon"], "ovm node: argument --block-time: invalid float value: 'soon'"),
    (["node", "--log-level", "loud"], "ovm node: argument --log-level: invalid choice: 'loud'"),
    (["deposit"], "ovm deposit: the following arguments are required: --amount"),
    (["finalize", "--account", "two"], "ovm finalize: argument --account: invalid int value: 'two'"),
    (["launch"], "ovm: argument command: invalid choice: 'launch'"),
    ([], "ovm: the following arguments are required: command; see ovm --help"),
    (["statetest"], "ovm statetest: the following arguments are required: paths"),
], ids=["censor-text", "censor-19-bytes", "port", "block-time", "log-level", "deposit-amount", "account",
        "unknown-command", "no-command", "statetest-paths"])
def test_bad_arguments_are_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(args)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and err.endswith("--help\n")


def test_a_good_censor_address_in_any_case():
    args = cli.build_parser().parse_args(["devnet", "--censor", "0x" + "aB" * 20, "--censor", "cd" * 20])
    assert args.censor == [bytes.fromhex("ab" * 20), bytes.fromhex("cd" * 20)]


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_every_command_takes_a_log_level(command):
    required = {"deposit": ["--amount", "1"], "withdraw": ["--amount", "1"], "statetest": ["x.json"], "blocktest": ["x.json"]}
    parser = cli.build_parser()
    assert parser.parse_args([command, *required.get(command, [])]).log_level == "info"
    assert parser.parse_args([command, *required.get(command, []), "--log-level", "debug"]).log_level == "debug"


def test_the_handler_writes_one_line_per_record_at_the_level_asked(capsys):
    cli.configure_logging("warning")
    logging.getLogger("ovm.batcher").info("sent L2 blocks 1..2")
    logging.getLogger("ovm.proposer").warning("the L1 refused the output")
    err = capsys.readouterr().err
    assert "sent L2 blocks" not in err
    assert err.endswith(" WARNING ovm.proposer: the L1 refused the output\n") and err.count("\n") == 1


def test_an_unexpected_error_is_one_line_with_the_traceback_at_debug_level(monkeypatch, capsys):
    def broken(args):
        raise KeyError("rollup_config")

    monkeypatch.setitem(cli.COMMANDS, "statetest", (*cli.COMMANDS["statetest"][:1], broken,
                                                    *cli.COMMANDS["statetest"][2:]))
    assert cli.main(["statetest", "x.json"]) == 1
    err = capsys.readouterr().err
    assert err == "ovm statetest: unexpected error: 'rollup_config' (--log-level debug shows where)\n"
    assert cli.main(["statetest", "x.json", "--log-level", "debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.endswith("(--log-level debug shows where)\n")
