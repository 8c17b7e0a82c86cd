"""
A child started with ``child_env`` ends with its parent
=======================================================

A parent killed outright (SIGKILL) cannot stop its children; a child that
called ``exit_with_parent`` gets SIGTERM from the kernel then and exits, and
one whose parent died before it looked exits at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

CHILD = """
import time
from ovm.cli.children import exit_with_parent
exit_with_parent()
print("ready", flush=True)
time.sleep(60)
"""
PARENT = f"""
import subprocess, sys, time
from ovm.cli.children import child_env
child = subprocess.Popen([sys.executable, "-c", {CHILD!r}], env=child_env(), stdout=subprocess.PIPE, text=True)
assert child.stdout.readline() == "ready\\n"
print(child.pid, flush=True)
time.sleep(60)
"""


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_a_child_exits_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert not gone(child, timeout=0.5)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert gone(child)
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()


def test_a_child_whose_parent_is_already_gone_exits_at_once():
    env = {**os.environ, "OVM_PARENT_PID": str(2**22 + 12345)}  # no such process is its parent
    result = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == -signal.SIGTERM and result.stdout == ""


def test_without_the_variable_nothing_changes():
    result = subprocess.run([sys.executable, "-c", CHILD.replace("time.sleep(60)", "")],
                            env={k: v for k, v in os.environ.items() if k != "OVM_PARENT_PID"},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and result.stdout == "ready\n"
