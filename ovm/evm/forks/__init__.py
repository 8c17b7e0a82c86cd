"""Forks as data: one frozen ``Fork`` object per fork, looked up by name."""

from .base import Fork
from .cancun import CANCUN

FORKS: dict[str, Fork] = {fork.name: fork for fork in (CANCUN,)}

__all__ = ["CANCUN", "FORKS", "Fork"]
