"""
Preinstalls
===========

The runtime code of each preinstall has the keccak256 published for it on
Ethereum mainnet (where each hash is published is noted beside it); Permit2's
chain-dependent words are written for the chain, with the domain separators the
OP Stack's own tests give; every L2 genesis holds them all at their addresses
with nonce 1; Arachnid's deterministic deployment proxy is the code its keyless
deployment transaction creates at its address, the code anvil ships, and it
deploys with CREATE2 at the expected address (once: a second deployment with
the same salt fails); a replay of the keyless transaction cannot replace it.
"""

from __future__ import annotations

import rlp
from anvil_process import Anvil
from coincurve import PublicKey
from support import SENDER, call_contract, make_env, rpc

from ovm.chain import OP_STACK
from ovm.chain.genesis import ChainConfig, genesis_state
from ovm.evm.forks import CANCUN, OVM_FJORD
from ovm.evm.processor import process_transaction
from ovm.evm.signing import recover_sender
from ovm.evm.transactions import decode_transaction
from ovm.primitives.crypto import keccak256
from ovm.rollup import preinstalls
from ovm.rollup.genesis import l2_genesis, predeploy_alloc

# keccak256 of each preinstall's runtime code on Ethereum mainnet (chain id 1), as
# published by: Safe's safe-deployments (codeHash of the v1.3.0 "eip155" deployments);
# op-geth / op-reth (create2Deployer, forced in at Canyon); Foundry's anvil (its default
# CREATE2 deployer); the CreateX README; and the code hashes bundlers, wallets and the
# OP Stack's devnet checks pin for Multicall3, Permit2 and the ERC-4337 contracts.
PUBLISHED_CODE_HASHES = {
    "Multicall3": "d5c15df687b16f2ff992fc8d767b4216323184a2bbc6ee2f9c398c318e770891",
    "DeterministicDeploymentProxy": "2fa86add0aed31f33a762c9d88e807c475bd51d0f52bd0955754b2608f7e4989",
    "Create2Deployer": "b0550b5b431e30d38000efb7107aaa0ade03d48a7198a140edda9d27134468b2",
    "CreateX": "bd8a7ea8cfca7b4e5f5041d7d4b17bc317c5ce42cfbc42066a00cf26b43eb53f",
    "SafeSingletonFactory": "2fa86add0aed31f33a762c9d88e807c475bd51d0f52bd0955754b2608f7e4989",
    "Safe_v130": "bba688fbdb21ad2bb58bc320638b43d94e7d100f6f3ebaab0a4e4de6304b1c2e",
    "SafeL2_v130": "21842597390c4c6e3c1239e434a682b054bd9548eee5e9b1d6a4482731023c0f",
    "MultiSend_v130": "81db0e4afdf5178583537b58c5ad403bd47a4ac7f9bde2442ef3e341d433126a",
    "MultiSendCallOnly_v130": "a9865ac2d9c7a1591619b188c4d88167b50df6cc0c5327fcbd1c8c75f7c066ad",
    "Permit2": "c67d1657868aa5146eaf24fb879fb1fdec3d2d493b3683a61c9c2f4fb2851131",
    "EntryPoint_v060": "c93c806e738300b5357ecdc2e971d6438d34d8e4e17b99b758b1f9cac91c8e70",
    "SenderCreator_v060": "ae818091eaaf1b6175ee41472359a689f3823d0908a41e2e5c4ad508f2fc04a3",
    "EntryPoint_v070": "8db5ff695839d655407cc8490bb7a5d82337a86a6b39c3f0258aa6c3b582fc58",
    "SenderCreator_v070": "283c9d14378f5f4c4e24045b87d621d48443fa5b4af7dd7180a599b3756a7689",
}

# The OP Stack's specs/protocol/preinstalls.md table, plus what its genesis adds beyond it.
ADDRESSES = {
    "Multicall3": "cA11bde05977b3631167028862bE2a173976CA11",
    "DeterministicDeploymentProxy": "4e59b44847b379578588920cA78FbF26c0B4956C",
    "Create2Deployer": "13b0D85CcB8bf860b6b79AF3029fCA081AE9beF2",
    "CreateX": "ba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed",
    "SafeSingletonFactory": "914d7Fec6aaC8cd542e72Bca78B30650d45643d7",
    "Safe_v130": "69f4D1788e39c87893C980c06EdF4b7f686e2938",
    "SafeL2_v130": "fb1bffC9d739B8D520DaF37dF666da4C687191EA",
    "MultiSend_v130": "998739BFdAAdde7C933B942a68053933098f9EDa",
    "MultiSendCallOnly_v130": "A1dabEF33b3B82c7814B6D82A79e50F4AC44102B",
    "Permit2": "000000000022D473030F116dDEE9F6B43aC78BA3",
    "EntryPoint_v060": "5FF137D4b0FDCD49DcA30c7CF57E578a026d2789",
    "SenderCreator_v060": "7fc98430eaedbb6070b35b39d798725049088348",
    "EntryPoint_v070": "0000000071727De22E5E9d8BAf0edAc6f37da032",
    "SenderCreator_v070": "EFC2c1444eBCC4Db75e7613d20C6a62fF67A167C",
}

# Arachnid's deployment of the proxy: a transaction signed by no one's key (r = s = 0x22…22),
# valid on every chain, whose recovered sender deploys to 0x4e59… at nonce 0.
ARACHNID_KEYLESS_TX = bytes.fromhex(
    "f8a58085174876e800830186a08080b853604580600e600039806000f350fe7fffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014"
    "600cf31ba02222222222222222222222222222222222222222222222222222222222222222a0222222222222222222222222"
    "2222222222222222222222222222222222222222"
)


def l2_state_with_funded_sender():
    state = genesis_state(l2_genesis())
    state.load_account(SENDER, 0, 10**20, b"", {})
    return state


def preinstall_code(name: str, chain_id: int = 901) -> bytes:
    return next(entry.code for entry in preinstalls.preinstalls(chain_id) if entry.name == name)


def test_each_preinstall_has_its_published_mainnet_code_hash():
    mainnet = {entry.name: entry for entry in preinstalls.preinstalls(chain_id=1)}
    assert set(mainnet) == set(PUBLISHED_CODE_HASHES)
    for name, published in PUBLISHED_CODE_HASHES.items():
        assert keccak256(mainnet[name].code).hex() == published, name


def test_the_addresses_are_the_op_stacks():
    for name, address in ADDRESSES.items():
        assert preinstalls.address(name) == bytes.fromhex(address), name


def test_permit2_takes_the_chains_id_and_domain_separator():
    """The values the OP Stack's Preinstalls.t.sol checks for chain ids 1, 1234 and 901."""
    assert preinstalls.permit2_code(1) == preinstalls._data()["Permit2"].code
    for chain_id, separator in (
        (1, "866a5aba21966af95d6c7ab78eb2b2fc913915c28be3b9aa07cc04ff903e3f28"),
        (1234, "6cda538cafce36292a6ef27740629597f85f6716f5694d26d5c59fc1d07cfd95"),
        (901, "48deb34b39fb4b41f5c195008940d5ef510cdd7853eba5807b2fa08dfd586475"),
    ):
        code = preinstalls.permit2_code(chain_id)
        assert int.from_bytes(code[6945:6977], "big") == chain_id
        assert code[6983:7015].hex() == separator == preinstalls.permit2_domain_separator(chain_id).hex()
        assert len(code) == 9152


def test_permit2_refuses_a_chain_id_out_of_range():
    for bad in (0, -1, 2**256):
        try:
            preinstalls.permit2_code(bad)
        except ValueError as error:
            assert "chain id out of range" in str(error)
        else:
            raise AssertionError(f"chain id {bad} accepted")


def test_an_unknown_name_is_a_clear_error():
    try:
        preinstalls.address("Multicall2")
    except KeyError as error:
        assert "no preinstall named 'Multicall2'" in str(error)
    else:
        raise AssertionError("unknown preinstall accepted")


def test_every_l2_genesis_holds_the_preinstalls_with_nonce_1():
    config = ChainConfig(chain_id=4242, forks=OP_STACK.only("fjord"))  # no system contracts at genesis
    state = genesis_state(l2_genesis(config, dev_accounts=False))
    for entry in preinstalls.preinstalls(4242):
        assert state.get_code(entry.address) == entry.code != b"", entry.name
        assert (state.get_nonce(entry.address), state.get_balance(entry.address)) == (1, 0), entry.name
        assert not state.has_storage(entry.address), entry.name
    assert state.get_code(preinstalls.address("Permit2")) == preinstalls.permit2_code(4242)
    assert set(l2_genesis(config, dev_accounts=False).alloc) == (
        {entry.address for entry in preinstalls.preinstalls(4242)} | set(predeploy_alloc(OVM_FJORD))
    )


def test_the_deterministic_deployment_proxy_is_what_its_keyless_transaction_deploys():
    nonce, gas_price, gas, to, value, init_code, v, r, s = rlp.decode(ARACHNID_KEYLESS_TX)
    unsigned = keccak256(rlp.encode([nonce, gas_price, gas, to, value, init_code]))
    signature = r.rjust(32, b"\x00") + s.rjust(32, b"\x00") + bytes([v[0] - 27])
    public_key = PublicKey.from_signature_and_message(signature, unsigned, hasher=None)
    sender = keccak256(public_key.format(compressed=False)[1:])[12:]
    assert sender.hex() == "3fab184622dc19b6109349b94811493bf2a45362"
    assert keccak256(rlp.encode([sender, b""]))[12:] == preinstalls.address("DeterministicDeploymentProxy")
    # the init code's output (run here as a call's code) is the runtime code placed in genesis
    result = call_contract(l2_state_with_funded_sender(), init_code)
    assert result.success and result.output == preinstall_code("DeterministicDeploymentProxy")


def test_the_proxy_deploys_with_create2_at_the_expected_address_once():
    proxy = preinstalls.address("DeterministicDeploymentProxy")
    runtime = bytes.fromhex("602a60005260206000f3")  # returns 42
    init_code = bytes.fromhex("69") + runtime + bytes.fromhex("600052600a6016f3")
    salt = bytes(31) + b"\x07"
    expected = keccak256(b"\xff" + proxy + salt + keccak256(init_code))[12:]
    state = l2_state_with_funded_sender()
    first = call_contract(state, to=proxy, data=salt + init_code)
    assert first.success and first.output == expected
    assert state.get_code(expected) == runtime and state.get_nonce(expected) == 1
    again = call_contract(state, to=proxy, data=salt + init_code)
    assert not again.success and state.get_code(expected) == runtime


def test_the_proxy_is_the_create2_deployer_anvil_ships():
    anvil = Anvil()
    try:
        code = rpc(anvil.url, "eth_getCode", "0x" + preinstalls.address("DeterministicDeploymentProxy").hex(), "latest")
    finally:
        anvil.stop()
    assert code == "0x" + preinstall_code("DeterministicDeploymentProxy").hex()


def test_replaying_the_keyless_deployment_cannot_replace_the_proxy():
    """The keyless transaction is valid on every chain (no chain id), and its sender has nonce 0
    on the L2; its CREATE meets the preinstalled account and fails, leaving the code as it is."""
    tx = decode_transaction(ARACHNID_KEYLESS_TX)
    proxy = preinstalls.address("DeterministicDeploymentProxy")
    state = genesis_state(l2_genesis())
    sender = recover_sender(tx)
    state.load_account(sender, 0, 10**18, b"", {})
    result = process_transaction(state, make_env(base_fee=7), tx, CANCUN)
    assert not result.success and result.gas_used == 100_000  # a failed CREATE burns its gas
    assert state.get_code(proxy) == preinstall_code("DeterministicDeploymentProxy")
    assert state.get_nonce(sender) == 1 and state.get_nonce(proxy) == 1
