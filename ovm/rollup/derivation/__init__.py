"""
Derivation
==========

How L2 blocks follow from L1: ``deposits`` turns the bridge's events into
deposit transactions, ``epochs`` decides and reads the L1 origin of each L2
block and the transactions that open it (the L1-info deposit, then the
origin's deposits), and ``pipeline`` rebuilds the whole L2 chain from L1 alone
(the replica), keeping its place in ``progress`` across restarts. The sequencer uses ``epochs`` too, so that what it builds and
what a replica derives are the same blocks.
"""
