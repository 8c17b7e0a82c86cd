"""State manager: accounts, storage, journal, access sets, transient storage, roots."""

from .account import Account
from .state import Log, State, StateDiff, encode_account

__all__ = ["Account", "Log", "State", "StateDiff", "encode_account"]
