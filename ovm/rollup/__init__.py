"""
Rollup
======

The optimistic rollup around the L2 node: its L1 contracts (compiled artifacts in
``artifacts``), and, to come, the L1 client, batch submitter, output proposer,
bridge, and derivation (the replica that rebuilds L2 from L1 alone).
"""
