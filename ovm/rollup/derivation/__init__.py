"""
Derivation
==========

How L2 blocks follow from L1, split the way op-node splits it:

- **Rules**, pure functions of data (a fraud proof reuses them as op-program
  reuses op-node's): ``attributes`` (what a block is built from: the parent as
  the rules see it, the block's attributes), ``deposits`` (the bridge's events
  as deposit transactions; carry-over, so that none is ever lost), ``epochs``
  (the L1 origin of each block, the maximum sequencer drift), ``batches``
  (which frame makes the next block, the sequencing window and forced blocks,
  the bounded frame queue).
- **The driver** (``driver.Derivation``): pulls L1 through an ``L1Source``
  (``source``: the real L1 over JSON-RPC, or an in-memory fake in tests),
  applies the rules, checks proposed outputs, follows L1 reorgs, and keeps its
  place across restarts (``progress``).
- **Writes** in one place (``writer``): the replica's chain, or the
  sequencer's, whose blocks derivation confirms or replaces.
- **The sequencer's side** (``sequencing``): how it opens each block, by the
  same rules, so that what it builds and what a replica derives are the same
  blocks.
"""
