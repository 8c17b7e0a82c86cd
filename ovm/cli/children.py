"""
Child processes that end with their parent
==========================================

``ovm devnet`` runs its embedded L1 and its replica as child processes. A
devnet stopped by a signal stops them itself; one killed outright
(``kill -9``) cannot, so the children watch their parent instead: a command
started with ``child_env()`` finds the parent's pid in ``OVM_PARENT_PID``
and ``exit_with_parent()`` (called first thing by ``ovm``'s main) arranges
for a SIGTERM when that parent goes — on Linux by ``prctl(PR_SET_PDEATHSIG)``
(the kernel sends it when the thread that started the child exits: the
devnet starts its children from its main thread), elsewhere by a thread that
polls ``getppid()``. SIGTERM, not SIGKILL, so that the child stops as it
would on Ctrl-C: its store closed, its port freed. A parent already gone by
the time the child looks (its pid is no longer the child's parent) gets the
same SIGTERM at once.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PARENT_PID = "OVM_PARENT_PID"
PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that should end with this process."""
    return {**(os.environ if env is None else env), PARENT_PID: str(os.getpid())}


def exit_with_parent() -> None:
    """If this process was started with ``child_env``, end it (SIGTERM) when its parent ends."""
    value = os.environ.pop(PARENT_PID, None)
    if value is None or not value.isdigit():
        return
    parent = int(value)
    if not (sys.platform.startswith("linux") and _death_signal(signal.SIGTERM)):
        threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was arranged
        os.kill(os.getpid(), signal.SIGTERM)


def _death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` when the parent exits; whether it took."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
