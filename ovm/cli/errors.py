"""Errors a user can cause at the command line: one line on stderr, exit status 2."""


class UsageError(ValueError):
    """Bad command-line input or environment, reported in one line."""
