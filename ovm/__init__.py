"""ovm: an Optimistic Virtual Machine and the rollup around it."""

__version__ = "0.1.0"
