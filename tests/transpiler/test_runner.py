"""Tier-up, the program cache and its bound."""

from __future__ import annotations

from ovm.transpiler import ProgramCache, TranspilingRunner
from support import CONTRACT, asm, call_contract, make_state

# Counts slot 0 down from 100 in a loop; each iteration passes one JUMPDEST.
LOOP = asm(
    "PUSH1 100", "PUSH1 0", "SSTORE",
    "JUMPDEST",  # offset 5
    "PUSH1 0", "SLOAD", "PUSH1 1", "SWAP1", "SUB", "DUP1", "PUSH1 0", "SSTORE",
    "PUSH1 5", "JUMPI",
    "STOP",
)


def run_loop(runner):
    state = make_state()
    result = call_contract(state, LOOP, code_runner=runner)
    return state.state_root(), result.gas_used, result.success


def test_hot_loop_tiers_up_mid_frame_with_identical_results():
    runner = TranspilingRunner(threshold=10)
    assert run_loop(runner) == run_loop(None)
    assert runner.cache.stats.translations == 1
    # translated once both the threshold and twice the code size were passed;
    # the counter is dropped then
    assert LOOP not in runner.heat and runner.heat_bytes == 0


def test_cold_code_is_not_translated():
    runner = TranspilingRunner(threshold=1000)
    assert run_loop(runner) == run_loop(None)
    assert runner.cache.stats.translations == 0


def test_equal_code_is_translated_once():
    runner = TranspilingRunner(threshold=0)
    other = bytes.fromhex("3000000000000000000000000000000000000003")
    state = make_state({other: bytes(LOOP)})
    call_contract(state, bytes(LOOP), code_runner=runner)
    call_contract(state, None, to=other, code_runner=runner)
    assert runner.cache.stats.translations == 1
    assert runner.cache.stats.hits >= 1


def test_cache_is_bounded_by_generated_source_size():
    cache = ProgramCache(limit=1)  # smaller than any program: keeps only the latest
    runner = TranspilingRunner(cache, threshold=0)
    for i in range(3):
        state = make_state()
        call_contract(state, asm(f"PUSH1 {i}", "PUSH1 0", "SSTORE", "STOP"), code_runner=runner)
    assert cache.stats.translations == 3
    assert len(cache) == 1
    assert cache.stats.evictions == 2
    assert cache.stats.peak_size >= cache.stats.size > 0


def test_translated_and_interpreted_storage_agree_after_tier_up():
    state_a, state_b = make_state(), make_state()
    call_contract(state_a, LOOP, code_runner=TranspilingRunner(threshold=3))
    call_contract(state_b, LOOP)
    assert state_a.get_storage(CONTRACT, 0) == state_b.get_storage(CONTRACT, 0) == 0
