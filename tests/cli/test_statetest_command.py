"""``ovm statetest`` as a user runs it: a real process, its output and exit status."""

from __future__ import annotations

import json

import pytest

from support import ETHEREUM_TESTS, run_ovm

SUITE = ETHEREUM_TESTS / "GeneralStateTests"
ADD11 = SUITE / "stExample" / "add11.json"


def test_passing_file_prints_summary():
    result = run_ovm("statetest", str(ADD11))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1 passed, 0 failed, 0 skipped"


def test_json_output_has_one_object_per_case():
    result = run_ovm("statetest", "--json", str(SUITE / "stExample"))
    lines = result.stdout.strip().splitlines()
    cases = [json.loads(line) for line in lines[:-1]]
    assert len(cases) >= 30
    assert {"name", "fork", "indexes", "pass", "stateRoot", "logsHash", "error", "gasUsed", "seconds"} <= set(cases[0])
    assert all(case["pass"] for case in cases)
    assert lines[-1] == f"{len(cases)} passed, 0 failed, 0 skipped"


def test_unimplemented_forks_are_skipped():
    # stExample's add11 has only Cancun; pick a file that lists older forks too
    result = run_ovm("statetest", "--fork", "Shanghai", str(ADD11))
    assert result.stdout.strip().splitlines()[-1] == "0 passed, 0 failed, 0 skipped"
    older = next(
        p for p in sorted(SUITE.rglob("*.json"))
        if any(f != "Cancun" for t in json.loads(p.read_text()).values() for f in t["post"])
    )
    result = run_ovm("statetest", "--fork", "Shanghai", str(older))
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("0 passed, 0 failed,") and not summary.endswith(" 0 skipped")


def test_failure_is_reported_with_file_name_and_indexes(tmp_path):
    test = json.loads(ADD11.read_text())
    test["add11"]["post"]["Cancun"][0]["hash"] = "0x" + "00" * 32
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(test))
    result = run_ovm("statetest", str(broken))
    assert result.returncode == 1
    assert "broken.json::add11 [Cancun d=0 g=0 v=0]" in result.stdout
    assert "state root" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "0 passed, 1 failed, 0 skipped"


def test_malformed_file_is_that_files_failure(tmp_path):
    (tmp_path / "a_garbage.json").write_text("{not json")
    (tmp_path / "b_wrong_shape.json").write_text('{"x": {"no": "post"}}')
    (tmp_path / "c_add11.json").write_text(ADD11.read_text())
    result = run_ovm("statetest", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1 passed, 2 failed, 0 skipped"


@pytest.mark.parametrize(
    "args, message",
    [
        (["statetest", "/no/such/path.json"], "no such file or directory"),
        (["statetest", "--fork", "Atlantis", str(ADD11)], "unknown fork 'Atlantis'"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(args, message):
    result = run_ovm(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
