"""
Running a tracer
================

``run_observed`` runs a prepared execution under a tracer (an ``Observer``
set on the machine for the run), and the hex forms the tracers' JSON shares.
"""

from __future__ import annotations

from ....evm.observer import Observer
from ....evm.processor import Execution, TransactionResult


def hex_data(data: bytes) -> str:
    return "0x" + bytes(data).hex()


def word_hex(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def address_hex(address: bytes) -> str:
    return "0x" + address.hex()


def run_observed(execution: Execution, observer: Observer) -> TransactionResult:
    """Run a prepared execution one instruction at a time under ``observer``."""
    machine = execution.machine
    machine.observer = observer
    try:
        return execution.run()
    finally:
        machine.observer = None
