"""
Translation is bounded
======================

Huge looping programs — the size of a state override of ``eth_call``, the
largest deployable code and the largest initcode — run through the real
runner and cache: what they translate stays within the budget of a program,
the process's peak memory stays far below what translating them whole took
(100 KB: 840 MiB before regions), and the outcome is the interpreter's. The
cache counts what programs really hold and gives it back when it evicts one.
Memory is measured as bounds well above normal, never timings.
"""

from __future__ import annotations

import gc
import re
import tracemalloc
import weakref

import pytest

from ovm.evm.forks import CANCUN
from ovm.evm.frame import cached_jump_destinations
from ovm.transpiler import Budget, ProgramCache, TranspilingRunner
from ovm.transpiler import runner as runner_module
from ovm.transpiler.program import DICT_ENTRY
from support import asm, call_contract, make_env, make_state

MiB = 1024 * 1024
BUDGET = Budget()
# A loop over thousands of tiny blocks (JUMPDEST PUSH1 1 ADD): the costliest
# code to translate per byte.
UNIT = asm("JUMPDEST", "PUSH1 1", "ADD")


def looping_program(size: int) -> bytes:
    """``PUSH1 0; JUMPDEST; (JUMPDEST PUSH1 1 ADD)*; PUSH1 2; JUMP`` of ``size`` bytes."""
    head, tail = asm("PUSH1 0", "JUMPDEST"), asm("PUSH1 2", "JUMP")
    return head + UNIT * ((size - len(head) - len(tail)) // len(UNIT)) + tail


def peak_rss_growth(action) -> int:
    """How far the process's peak resident memory rose during ``action``."""
    def read(field: str) -> int:
        with open("/proc/self/status") as status:
            return int(re.search(rf"{field}:\s+(\d+) kB", status.read()).group(1)) * 1024

    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak starts over from the current size
    before = read("VmRSS")
    action()
    return read("VmHWM") - before


def run(code: bytes, how: str, runner, gas: int = 2_000_000):
    state = make_state()
    if how == "create":
        result = call_contract(state, None, to=None, data=code, gas=gas, code_runner=runner)
    else:
        result = call_contract(state, code, gas=gas, code_runner=runner, env=make_env())
    return result.gas_used, result.success, type(result.error).__name__, state.state_root()


CASES = {
    "eth_call state override, 100 KB, translated as early as possible": (100_000, "call", 0),
    "eth_call state override, 100 KB, hot regions tiered up": (100_000, "call", 256),
    "largest code, 24,576 bytes": (24_576, "call", 0),
    "largest initcode, 49,152 bytes": (49_152, "create", 0),
}


@pytest.mark.parametrize("size, how, threshold", CASES.values(), ids=CASES.keys())
def test_a_huge_looping_program_is_translated_within_the_budget(size: int, how: str, threshold: int):
    code = looping_program(size)
    runner = TranspilingRunner(threshold=threshold)
    outcome = []
    growth = peak_rss_growth(lambda: outcome.append(run(code, how, runner)))
    assert outcome[0] == run(code, how, None)
    program = runner.cache.get(CANCUN, code)
    assert program is not None and program.regions > 1
    assert program.full or threshold  # translation stopped at the budget, not at the end of the code
    assert program.regions <= BUDGET.program_regions
    # One region past the budget at most (a region holds about 6 bytes per byte of source).
    assert runner.cache.stats.peak_size < BUDGET.program_held + 8 * BUDGET.region_source
    assert growth < 200 * MiB


def test_the_cache_counts_what_a_program_holds():
    code = looping_program(4_000)
    cached_jump_destinations(code)  # the interpreter's, not the program's
    cache = ProgramCache(budget=Budget(region_bytes=len(code), region_source=1 << 30, program_held=1 << 30))
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        program = cache.translate(CANCUN, code)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert program.regions == 1 and len(program.entries) > 900
    # (what Python's compiler keeps for itself, such as interned names, is
    # shared by all programs and not the program's)
    assert held / 2 < cache.stats.size < held * 2


def test_an_evicted_program_gives_its_memory_back_at_once():
    first, second = looping_program(2_000), asm("PUSH1 1", "PUSH1 0", "SSTORE", "STOP")
    cache = ProgramCache(limit=1)  # keeps only the latest program
    block = weakref.ref(cache.translate(CANCUN, first).entries[0])
    gc.disable()  # no collection may help: the program's cycles are broken by releasing it
    try:
        cache.translate(CANCUN, second)
        assert block() is None
    finally:
        gc.enable()
    assert len(cache) == 1 and cache.stats.evictions == 1
    assert cache.stats.size == cache.get(CANCUN, second).held + len(second) + DICT_ENTRY


def test_code_arriving_as_new_objects_does_not_pile_up_behind_a_program():
    code = looping_program(1_000)
    runner = TranspilingRunner(threshold=0)
    sizes = []
    for _ in range(12):
        run(bytes(bytearray(code)), "call", runner, gas=100_000)  # a new bytes object each time, as eth_call's overrides
        sizes.append(runner.cache.stats.size)
    assert runner.cache.stats.translations == 1
    assert sizes[-1] == sizes[-8]


def test_heat_counters_keep_a_bounded_amount_of_code_alive(monkeypatch):
    monkeypatch.setattr(runner_module, "HEAT_BYTES", 3_000)
    runner = TranspilingRunner(threshold=10**9)  # never hot: only counting
    for n in range(6):
        run(looping_program(1_000) + bytes([n]), "call", runner, gas=100_000)
        assert runner.heat_bytes <= 3_000
        assert runner.heat_bytes == sum(map(len, runner.heat))
