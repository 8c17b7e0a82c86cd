"""
Transpiler: EVM bytecode to OVM code
====================================

Contracts keep their EVM bytecode on chain; the execution manager runs a
translated form of hot code — one generated Python function per basic block,
stack slots as local variables, static gas summed per block — that does
exactly what the interpreter does with far less Python work per instruction.
"""

from .cache import ProgramCache
from .program import Budget, Program
from .runner import TranspilingRunner

__all__ = ["Budget", "Program", "ProgramCache", "TranspilingRunner"]
