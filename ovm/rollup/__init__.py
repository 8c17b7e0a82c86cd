"""
Rollup
======

The optimistic rollup around the L2 node, settled on an L1:

- ``config``: ``rollup.json``, what every rollup service agrees on;
  ``artifacts``: the compiled L1 contracts and L2 predeploys (their Solidity
  is in ``contracts/src``); ``deploy``: putting the L1 contracts on an L1;
  ``genesis``: the L2 genesis (predeploys, and dev accounts on a devnet's
  own L1);
- ``l1``: reaching the L1 (JSON-RPC client, transaction manager, contract
  calls and ABI, the embedded dev chain);
- ``batch``, ``fastlz``, ``blob_data``: the batch format, its compression and
  its packing into blobs; ``batcher``: posting L2 blocks to the inbox;
  ``inbox``: reading them back;
- ``output``, ``proposer``: output roots and posting them to the state
  commitment chain; ``withdrawals``: proving an L2 withdrawal on L1;
- ``derivation``: rebuilding L2 from L1 alone (the rules as pure functions,
  the driver, the L1 source), which the replica runs and the sequencer runs
  on its own chain;
- ``services``: the above wired into a node; ``rpc``: the ``optimism_*``
  namespace.
"""
