"""
L2 genesis
==========

The state an L2 chain starts from: the predeploys' runtime code at the OP
Stack's addresses (``artifacts.PREDEPLOYS``: GasPriceOracle 0x…0F, L2Bridge
0x…10, L1Block 0x…15, L2ToL1MessagePasser 0x…16), with empty storage — they
have no constructors, so placing the code is the whole deployment — and, when
the rollup config's ``l2_dev_accounts`` says so (a devnet on its own embedded
L1), the ten dev accounts with 10,000 ETH each, which nothing backs on L1.
Chain id 901 unless the config says otherwise. The chain runs the OP Stack's
forks (``ovm.chain.forks.OP_STACK``), by default the latest from genesis; a
rollup's schedule is its ``rollup.json``'s. The genesis is that of the fork
active at its timestamp: on a fork with Fjord's L1 data fee the
GasPriceOracle starts with its ``isFjord`` flag set
(``L1CostFormula.oracle_flags``), so that it computes the fee the chain
charges; the genesis block's header follows the fork too
(``ovm.chain.genesis_block``).

The fee vaults (SequencerFeeVault 0x…11, the coinbase; BaseFeeVault 0x…19;
L1FeeVault 0x…1A) are plain accounts, not allocated here: each comes into
being with the first fee it receives, as a coinbase does on Ethereum. Placing
them empty would make no difference after the first block, since a zero fee
payment deletes an empty account (EIP-161). Their ETH stays there: nothing
withdraws it on this devnet.
"""

from __future__ import annotations


from ..chain.forks import OP_STACK
from ..chain.genesis import ChainConfig, Genesis, GenesisAccount, dev_account_alloc, system_contract_alloc
from ..evm.forks import Fork
from ..evm.l2 import ORACLE_FLAGS_SLOT
from .artifacts import PREDEPLOYS, load
from .preinstalls import preinstall_alloc


def predeploy_storage(fork: Fork) -> dict[bytes, dict[int, int]]:
    """The predeploys' storage at genesis on ``fork``: GasPriceOracle's flags
    for the fork's L1 data fee, when there are any."""
    if fork.l2 is None:
        raise ValueError(f"{fork.name} is not an L2 fork")
    flags = fork.l2.l1_cost.oracle_flags
    return {PREDEPLOYS["GasPriceOracle"]: {ORACLE_FLAGS_SLOT: flags}} if flags else {}


def predeploy_alloc(fork: Fork) -> dict[bytes, GenesisAccount]:
    """The predeploys: runtime code at their addresses, and the storage ``fork`` needs."""
    storage = predeploy_storage(fork)
    return {
        address: GenesisAccount(code=load(name).deployed_bytecode, storage=storage.get(address, {}))
        for name, address in PREDEPLOYS.items()
    }


def l2_genesis(
    config: ChainConfig | None = None, *, dev_accounts: bool = True, timestamp: int = 0
) -> Genesis:
    """The L2 genesis: the preinstalls, the predeploys (with the storage the
    fork active at ``timestamp`` needs) and, with ``dev_accounts``, the funded
    dev accounts. ``timestamp`` is the genesis block's (the L1 anchor's on a rollup)."""
    config = config or ChainConfig(forks=OP_STACK.only())
    row = config.forks.at(timestamp)
    alloc = {
        **(dev_account_alloc() if dev_accounts else {}),
        **system_contract_alloc((row,)),  # a later fork's come by its upgrade deposits
        **preinstall_alloc(config.chain_id),
        **predeploy_alloc(row.fork),
    }
    return Genesis(config, alloc=alloc, timestamp=timestamp)
