"""Execution manager: the EVM (interpreter, instructions, gas, precompiles, forks, transactions)
and the OP Stack's L2 rules (deposits, fee vaults, the L1 data fee)."""
