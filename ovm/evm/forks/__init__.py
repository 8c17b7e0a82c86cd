"""Forks as data: one frozen ``Fork`` object per fork, looked up by name."""

from .base import Fork, InstructionSet
from .cancun import CANCUN
from .osaka import OSAKA
from .ovm_cancun import OVM_CANCUN
from .ovm_fjord import OVM_FJORD
from .ovm_isthmus import OVM_ISTHMUS
from .prague import PRAGUE

FORKS: dict[str, Fork] = {
    fork.name: fork for fork in (CANCUN, OVM_CANCUN, OVM_FJORD, OVM_ISTHMUS, PRAGUE, OSAKA)
}

__all__ = [
    "CANCUN", "FORKS", "OSAKA", "OVM_CANCUN", "OVM_FJORD", "OVM_ISTHMUS", "PRAGUE", "Fork", "InstructionSet",
]
