"""
Fraud proofs
============

The fraud-proof system's Python side (``docs/fraud-proofs.md`` is the design):
the commitment of the machine after any step and its parts
(``commitment``, ``merkle``, ``code``, ``context``), the step machine that
turns an ``ovm.evm`` execution into steps (``trace``, ``steps``,
``frame_view``), their witnesses (``witness``) and the reference one-step
verifier (``verifier``, ``verifier_ops``) that ``contracts/src/fraud``
implements on L1.
"""

from .code import CodeRegistry, CodeTree
from .commitment import Machine
from .context import UnsupportedStep
from .trace import StepMachine, TraceInput
from .verifier import WitnessError, verify_step
from .witness import Witness

__all__ = [
    "CodeRegistry",
    "CodeTree",
    "Machine",
    "StepMachine",
    "TraceInput",
    "UnsupportedStep",
    "Witness",
    "WitnessError",
    "verify_step",
]
