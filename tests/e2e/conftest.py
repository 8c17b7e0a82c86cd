"""
Fixtures for end-to-end tests: real ``ovm node`` processes
(``node_process``), stopped at the end, and the test contract compiled with
solc from npm.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from node_process import HERE, NodeProcess


@pytest.fixture
def start_node(tmp_path):
    """Start nodes on a data directory; all are stopped at the end."""
    started: list[NodeProcess] = []

    def start(*args: str, datadir: Path | None = None) -> NodeProcess:
        node = NodeProcess(datadir or tmp_path / "chain", *args)
        started.append(node)
        return node

    yield start
    for node in started:
        if node.process.poll() is None:
            node.stop()


@pytest.fixture
def node(start_node) -> NodeProcess:
    return start_node("--instant")


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """TestToken compiled with the npm solc; the path of the JSON file."""
    out = subprocess.run(
        ["node", str(HERE / "compile.mjs"), str(HERE / "TestToken.sol")],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout
    path = tmp_path_factory.mktemp("solc") / "TestToken.json"
    path.write_text(out)
    return path


@pytest.fixture(scope="session")
def token(artifacts) -> dict:
    return json.loads(artifacts.read_text())["TestToken"]
