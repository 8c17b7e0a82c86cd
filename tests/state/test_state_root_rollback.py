"""A state root taken in the middle of a transaction, then a rollback: the
next root is the one of the rolled-back state (the fraud-proof commitment
takes roots mid-transaction)."""

from ovm.state import State

A = b"\x0a" * 20


def test_a_root_taken_before_a_rollback_does_not_keep_the_undone_values():
    state = State()
    state.load_account(A, 1, 100, b"\x60\x00", {1: 5})
    before = state.state_root()
    state.begin_transaction()
    checkpoint = state.checkpoint()
    state.set_balance(A, 7)
    state.increment_nonce(A)
    state.set_code(A, b"\x00")
    assert state.state_root() != before
    state.rollback(checkpoint)
    assert state.state_root() == before
