"""What a store persists after each block: ``State.take_diff``."""

from ovm.state import State

A = b"\x0a" * 20
B = b"\x0b" * 20


def fresh_state() -> State:
    state = State()
    state.load_account(A, 1, 100, b"\x60\x00", {1: 5, 2: 6})
    state.take_diff()  # loaded from a store: nothing to save
    return state


def test_nothing_changed_means_an_empty_diff():
    diff = fresh_state().take_diff()
    assert diff.accounts == {} and diff.storage == {} and diff.storage_cleared == set()


def test_changes_come_with_current_values():
    state = fresh_state()
    state.begin_transaction()
    state.set_balance(A, 7)
    state.set_storage(A, 1, 0)
    state.set_storage(A, 3, 9)
    state.set_balance(B, 1)
    diff = state.take_diff()
    assert diff.accounts[A].balance == 7 and diff.accounts[B].balance == 1
    assert diff.storage == {A: {1: 0, 3: 9}}
    assert state.take_diff().accounts == {}


def test_reverted_changes_still_report_their_final_values():
    state = fresh_state()
    state.begin_transaction()
    state.set_storage(A, 1, 8)
    state.rollback(0)
    assert state.take_diff().storage == {A: {1: 5}}


def test_destroyed_account_wipes_its_storage():
    state = fresh_state()
    state.destroy_account(A)
    diff = state.take_diff()
    assert diff.accounts == {A: None}
    assert diff.storage_cleared == {A}
    assert diff.storage == {}
