"""
Packaging
=========

``pip install .`` from a clean checkout, in a fresh virtual environment with
nothing else in it, gives a working ``ovm``: its declared dependencies are
all it needs to run the state tests and to start the devnet's command line
(which imports the whole rollup).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from support import ETHEREUM_TESTS, REPO

ADD11 = ETHEREUM_TESTS / "GeneralStateTests" / "stExample" / "add11.json"


def checkout(into) -> None:
    """The files git tracks, as a clean checkout has them (no .venv, no build output)."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        if name and (REPO / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, into / name)


@pytest.mark.slow
def test_pip_install_in_a_fresh_environment_gives_a_working_ovm(tmp_path):
    source, venv = tmp_path / "source", tmp_path / "venv"
    checkout(source)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check",
                              str(source)], capture_output=True, text=True, timeout=1200)
    assert install.returncode == 0, install.stderr[-3000:]

    statetest = subprocess.run([venv / "bin" / "ovm", "statetest", str(ADD11)], capture_output=True, text=True,
                               timeout=300, cwd=tmp_path)
    assert statetest.returncode == 0, statetest.stderr
    assert statetest.stdout.strip().splitlines()[-1] == "1 passed, 0 failed, 0 skipped"
    devnet = subprocess.run([venv / "bin" / "ovm", "devnet", "--help"], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    assert devnet.returncode == 0, devnet.stderr
    assert "--censor ADDRESS" in devnet.stdout and "--log-level" in devnet.stdout
