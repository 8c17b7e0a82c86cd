"""
The rollup explorer
===================

What an explorer shows of the rollup beyond the standard methods: the index
of batches, deposits, outputs and withdrawals read from L1 and the L2 chain
(``index``), calls and logs of the rollup's contracts decoded (``decode``),
and the ``ovm_*`` methods that serve them (``rpc``), which the dashboard
(``ovm.node.dashboard``) reads.
"""

from .rpc import Explorer

__all__ = ["Explorer"]
