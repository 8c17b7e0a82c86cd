"""
L2 genesis
==========

``l2_genesis``: the predeploys' runtime code at the OP Stack addresses with
empty storage, the dev accounts funded (or not), chain id 901, no fee vaults
allocated; the addresses the execution rules use agree with the artifacts'
and the safety checker's; and the genesis block is deterministic.
"""

from __future__ import annotations

import dataclasses

from ovm.chain.dev_accounts import dev_accounts
from ovm.chain.genesis import DEV_BALANCE, ChainConfig, genesis_block, genesis_state
from ovm.evm.l2 import BASE_FEE_VAULT, DEPOSITOR_ACCOUNT, L1_FEE_VAULT, SEQUENCER_FEE_VAULT
from ovm.rollup import artifacts
from ovm.rollup.genesis import l2_genesis, predeploy_alloc
from ovm.safety import is_predeploy, is_system_sender


def test_predeploys_hold_their_runtime_code_and_nothing_else():
    state = genesis_state(l2_genesis())
    assert set(artifacts.PREDEPLOYS) == {"GasPriceOracle", "L2Bridge", "L1Block", "L2ToL1MessagePasser"}
    for name, address in artifacts.PREDEPLOYS.items():
        assert state.get_code(address) == artifacts.load(name).deployed_bytecode != b""
        assert (state.get_balance(address), state.get_nonce(address)) == (0, 0)
        assert not state.has_storage(address)


def test_dev_accounts_are_funded_on_chain_901():
    genesis = l2_genesis()
    assert genesis.config.chain_id == 901
    for account in dev_accounts():
        assert genesis.alloc[account.address].balance == DEV_BALANCE


def test_without_dev_accounts_only_the_predeploys_are_there():
    assert l2_genesis(dev_accounts=False).alloc == predeploy_alloc()


def test_the_config_and_timestamp_are_used():
    config = dataclasses.replace(ChainConfig(), chain_id=4242, gas_limit=60_000_000)
    genesis = l2_genesis(config, timestamp=1_700_000_000)
    assert genesis.config is config and genesis.timestamp == 1_700_000_000


def test_fee_vaults_are_not_allocated():
    alloc = l2_genesis().alloc
    assert not {SEQUENCER_FEE_VAULT, BASE_FEE_VAULT, L1_FEE_VAULT} & set(alloc)
    assert all(is_predeploy(vault) for vault in (SEQUENCER_FEE_VAULT, BASE_FEE_VAULT, L1_FEE_VAULT))


def test_the_compiled_l1block_has_the_execution_rules_depositor():
    """The depositor is a constant in L1Block.sol; the execution rules send the L1-info deposit from theirs."""
    assert DEPOSITOR_ACCOUNT in artifacts.load("L1Block").deployed_bytecode
    assert is_system_sender(DEPOSITOR_ACCOUNT)


def test_the_genesis_block_is_deterministic():
    hashes = {genesis_block(g, genesis_state(g)).hash for g in (l2_genesis(), l2_genesis())}
    assert len(hashes) == 1
