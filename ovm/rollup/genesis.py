"""
L2 genesis
==========

The state an L2 chain starts from: the predeploys' runtime code at the OP
Stack's addresses (``artifacts.PREDEPLOYS``: GasPriceOracle 0x…0F, L2Bridge
0x…10, L1Block 0x…15, L2ToL1MessagePasser 0x…16), with empty storage — they
have no constructors, so placing the code is the whole deployment — and, when
the rollup config's ``l2_dev_accounts`` says so (a devnet on its own embedded
L1), the ten dev accounts with 10,000 ETH each, which nothing backs on L1.
Chain id 901 unless the config says otherwise. The genesis is that of the L2
fork the chain starts on, ``OvmCancun`` (``ovm.evm.forks.OVM_CANCUN``) unless
told otherwise: on a fork with Fjord's L1 data fee the GasPriceOracle starts
with its ``isFjord`` flag set (``L1CostFormula.oracle_flags``), so that it
computes the fee the chain charges; the genesis block's header follows the
fork too (``ovm.chain.genesis_block``).

The fee vaults (SequencerFeeVault 0x…11, the coinbase; BaseFeeVault 0x…19;
L1FeeVault 0x…1A) are plain accounts, not allocated here: each comes into
being with the first fee it receives, as a coinbase does on Ethereum. Placing
them empty would make no difference after the first block, since a zero fee
payment deletes an empty account (EIP-161). Their ETH stays there: nothing
withdraws it on this devnet.
"""

from __future__ import annotations

import dataclasses

from ..chain.genesis import ChainConfig, Genesis, GenesisAccount, dev_genesis
from ..evm.forks import OVM_CANCUN, Fork
from ..evm.l2 import ORACLE_FLAGS_SLOT
from .artifacts import PREDEPLOYS, load


def predeploy_storage(fork: Fork) -> dict[bytes, dict[int, int]]:
    """The predeploys' storage at genesis on ``fork``: GasPriceOracle's flags
    for the fork's L1 data fee, when there are any."""
    if fork.l2 is None:
        raise ValueError(f"{fork.name} is not an L2 fork")
    flags = fork.l2.l1_cost.oracle_flags
    return {PREDEPLOYS["GasPriceOracle"]: {ORACLE_FLAGS_SLOT: flags}} if flags else {}


def predeploy_alloc(fork: Fork = OVM_CANCUN) -> dict[bytes, GenesisAccount]:
    """The predeploys: runtime code at their addresses, and the storage ``fork`` needs."""
    storage = predeploy_storage(fork)
    return {
        address: GenesisAccount(code=load(name).deployed_bytecode, storage=storage.get(address, {}))
        for name, address in PREDEPLOYS.items()
    }


def l2_genesis(
    config: ChainConfig | None = None, *, dev_accounts: bool = True, timestamp: int = 0,
    fork: Fork = OVM_CANCUN,
) -> Genesis:
    """The L2 genesis on ``fork``: the predeploys and, with ``dev_accounts``, the
    funded dev accounts. ``timestamp`` is the genesis block's (the L1 anchor's on a rollup)."""
    config = config or ChainConfig()
    base = dev_genesis(config, timestamp) if dev_accounts else Genesis(config, timestamp=timestamp)
    return dataclasses.replace(base, alloc={**base.alloc, **predeploy_alloc(fork)})
