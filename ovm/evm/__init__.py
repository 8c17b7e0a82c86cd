"""Execution manager: the EVM (interpreter, instructions, gas, precompiles, forks, transactions)."""
