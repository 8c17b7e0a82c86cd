"""
Journal
=======

An undo log of typed entries. Every change the world state makes during a
transaction appends one entry that says how to undo it; a checkpoint is just
the log's length, and rolling back pops entries in reverse until the log is
that long again. Nested call frames each take a checkpoint; committing a frame
keeps its entries, so that an enclosing frame can still undo them.

Entries are tuples whose first element is one of the tags below (tuples of
ints and bytes are cheap to build on the hot path and trivially serialisable).
Because every tx-scoped set (warm addresses and slots, touched, created and
self-destructed accounts, logs) starts empty at the beginning of a
transaction, the journal alone also says what those sets hold.
"""

from typing import Any

Entry = tuple[Any, ...]
"""(tag, *fields): the fields the tag's comment names."""

# (tag, address) — the account did not exist before.
ACCOUNT_CREATED = 0
# (tag, address, old_balance)
BALANCE = 1
# (tag, address, old_nonce)
NONCE = 2
# (tag, address, old_code)
CODE = 3
# (tag, address, key, old_value)
STORAGE = 4
# (tag, address)
WARM_ADDRESS = 5
# (tag, address, key)
WARM_SLOT = 6
# (tag, address, key, old_value)
TRANSIENT = 7
# (tag, address)
TOUCHED = 8
# (tag, address) — account created by a contract creation in this transaction.
CREATED = 9
# (tag, address)
SELFDESTRUCTED = 10
# (tag, log)
LOG = 11
# (tag, old_refund)
REFUND = 12

NAMES = {
    ACCOUNT_CREATED: "account_created",
    BALANCE: "balance",
    NONCE: "nonce",
    CODE: "code",
    STORAGE: "storage",
    WARM_ADDRESS: "warm_address",
    WARM_SLOT: "warm_slot",
    TRANSIENT: "transient",
    TOUCHED: "touched",
    CREATED: "created",
    SELFDESTRUCTED: "selfdestructed",
    LOG: "log",
    REFUND: "refund",
}
