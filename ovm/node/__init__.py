"""
Node
====

The L2 node around the chain: durable chain storage (``store``), the chain
over it (``chain``), the mempool and sequencer, and the JSON-RPC server.
"""
