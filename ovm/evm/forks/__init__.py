"""Forks as data: one frozen ``Fork`` object per fork, looked up by name."""

from .base import Fork, InstructionSet
from .cancun import CANCUN
from .ovm_cancun import OVM_CANCUN
from .ovm_fjord import OVM_FJORD
from .ovm_isthmus import OVM_ISTHMUS
from .prague import PRAGUE

FORKS: dict[str, Fork] = {fork.name: fork for fork in (CANCUN, OVM_CANCUN, OVM_FJORD, OVM_ISTHMUS, PRAGUE)}

__all__ = ["CANCUN", "FORKS", "OVM_CANCUN", "OVM_FJORD", "OVM_ISTHMUS", "PRAGUE", "Fork", "InstructionSet"]
