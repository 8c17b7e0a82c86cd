"""
Storage instructions
====================

SLOAD and SSTORE price storage by warmth (EIP-2929) and by how the new value
relates to the slot's current and original values (EIP-2200 as amended by
EIP-3529); TLOAD and TSTORE use transient storage (EIP-1153). Each is a value
function with a thin stack handler; the transpiler calls the value functions.
"""

from .. import gas as G
from ..exceptions import OutOfGas, WriteInStaticContext
from ..memory import charge

COLD_SLOAD_SURCHARGE = G.COLD_SLOAD - G.WARM_ACCESS
RESTORE_EMPTY_REFUND = G.SSTORE_SET - G.WARM_ACCESS
RESTORE_SET_REFUND = G.SSTORE_RESET - G.WARM_ACCESS


def load_slot(f, key: int) -> int:
    state = f.state
    if not state.warm_slot(f.address, key):
        charge(f, COLD_SLOAD_SURCHARGE)
    return state.get_storage(f.address, key)


def sload(f):
    s = f.stack
    s[-1] = load_slot(f, s[-1])


def sstore(f):
    s = f.stack
    key = s.pop()
    store_slot(f, key, s.pop())


def store_slot(f, key: int, new: int) -> None:
    if f.gas <= G.SSTORE_STIPEND_GUARD:
        raise OutOfGas
    if f.is_static:
        raise WriteInStaticContext
    state = f.state
    address = f.address
    cost = 0 if state.warm_slot(address, key) else G.COLD_SLOAD
    current = state.get_storage(address, key)
    if current == new:
        cost += G.WARM_ACCESS
    else:
        original = state.get_original_storage(address, key)
        if original == current:
            cost += G.SSTORE_SET if original == 0 else G.SSTORE_RESET
        else:
            cost += G.WARM_ACCESS
        refund = sstore_refund(original, current, new)
        if refund:
            state.add_refund(refund)
    charge(f, cost)
    if current != new:
        state.set_storage(address, key, new)


def sstore_refund(original: int, current: int, new: int) -> int:
    """Refund counter change of an SSTORE that changes ``current`` to ``new``."""
    refund = 0
    if original != 0:
        if current != 0 and new == 0:
            refund += G.SSTORE_CLEARS_REFUND
        elif current == 0:
            refund -= G.SSTORE_CLEARS_REFUND
    if original == new:
        refund += RESTORE_EMPTY_REFUND if original == 0 else RESTORE_SET_REFUND
    return refund


def load_transient(f, key: int) -> int:
    return f.state.get_transient(f.address, key)


def store_transient(f, key: int, value: int) -> None:
    if f.is_static:
        raise WriteInStaticContext
    f.state.set_transient(f.address, key, value)


def tload(f):
    s = f.stack
    s[-1] = load_transient(f, s[-1])


def tstore(f):
    s = f.stack
    key = s.pop()
    store_transient(f, key, s.pop())
