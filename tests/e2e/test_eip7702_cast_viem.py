"""
EIP-7702 end to end: Foundry's cast and viem against a real ``ovm node --fork Prague``
=====================================================================================

An EOA delegates to a Solidity contract (``Delegate7702.sol``) with ``cast
send --auth`` (the EOA sending its own authorization), and then anyone calls
through the delegated EOA: the contract's code runs in the EOA's account. A
stranger cannot make it move the EOA's ether; the EOA, though delegated, still
sends its own transactions (EIP-3607 lets a designator through). A sponsor
sends an authorization signed with ``cast wallet sign-auth``; the delegation
is cleared with ``--auth`` to address 0. viem's ``signAuthorization`` and a
type-4 ``sendTransaction``, ``estimateGas`` with an authorization list, and
its reading of the transaction back make the same trip.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from node_process import HERE, NODE_BIN
from support import rpc

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.delegation import designator
from ovm.primitives.crypto import private_key_to_address

OWNER, EOA, BOB = dev_accounts()[0], dev_accounts()[3], dev_accounts()[4]
FRESH_KEY = bytes.fromhex("7702" * 16)
FRESH = private_key_to_address(FRESH_KEY)
CHAIN_ID = 901


def cast(*args: str, check: bool = True) -> str:
    result = subprocess.run([str(NODE_BIN / "cast"), *args], capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result.stdout.strip() if check else result.stderr.strip()


def hexkey(key: bytes) -> str:
    return "0x" + key.hex()


def hexaddr(address: bytes) -> str:
    return "0x" + address.hex()


@pytest.fixture(scope="module")
def delegate_code(tmp_path_factory) -> dict:
    out = subprocess.run(["node", str(HERE / "compile.mjs"), str(HERE / "Delegate7702.sol")],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out)["Delegate7702"]


@pytest.fixture
def prague(start_node):
    return start_node("--fork", "Prague", "--instant")


def deploy(url: str, bytecode: str) -> str:
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key),
                              "--create", bytecode, "--json"))
    assert receipt["status"] == "0x1"
    return receipt["contractAddress"]


def test_cast_delegates_an_eoa_and_calls_go_through_it(prague, delegate_code):
    url = prague.url
    delegate = deploy(url, delegate_code["bytecode"])
    eoa = hexaddr(EOA.address)

    # the EOA delegates to the contract and calls itself in one type-4 transaction
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(EOA.private_key),
                              "--auth", delegate, eoa, "bump(uint256)", "5", "--json"))
    assert receipt["status"] == "0x1" and receipt["type"] == "0x4"
    tx = json.loads(cast("tx", receipt["transactionHash"], "--rpc-url", url, "--json"))
    (auth,) = tx["authorizationList"]
    assert auth["address"].lower() == delegate.lower() and int(auth["nonce"], 16) == 1  # its nonce after sending
    assert int(auth["chainId"], 16) == CHAIN_ID
    assert cast("code", eoa, "--rpc-url", url) == "0x" + designator(bytes.fromhex(delegate[2:])).hex()
    assert cast("nonce", eoa, "--rpc-url", url) == "2"
    assert cast("call", eoa, "counter()(uint256)", "--rpc-url", url) == "5"
    assert cast("call", eoa, "self()(address)", "--rpc-url", url).lower() == eoa
    assert cast("call", delegate, "counter()(uint256)", "--rpc-url", url) == "0"  # the contract's own storage

    # anyone calls through the delegated EOA: the code runs as the EOA
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key),
                              eoa, "bump(uint256)", "2", "--json"))
    assert receipt["status"] == "0x1" and receipt["type"] == "0x2"
    (log,) = receipt["logs"]
    assert log["address"].lower() == eoa
    assert log["topics"][1] == "0x" + EOA.address.rjust(32, b"\0").hex()
    assert log["topics"][2] == "0x" + OWNER.address.rjust(32, b"\0").hex()
    assert int(log["data"], 16) == 7

    # a stranger cannot move the EOA's ether through its code
    balance = int(cast("balance", eoa, "--rpc-url", url))
    refused = cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key),
                   eoa, "pay(address,uint256)", hexaddr(OWNER.address), "1000000000000000000", check=False)
    assert "Delegate7702: only the account itself" in refused
    assert int(cast("balance", eoa, "--rpc-url", url)) == balance

    # the delegated EOA still sends its own transactions, and may pay through its code
    bob_before = int(cast("balance", hexaddr(BOB.address), "--rpc-url", url))
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(EOA.private_key),
                              eoa, "pay(address,uint256)", hexaddr(BOB.address), "12345", "--json"))
    assert receipt["status"] == "0x1"
    assert int(cast("balance", hexaddr(BOB.address), "--rpc-url", url)) == bob_before + 12345

    # clearing: an authorization for address 0
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(EOA.private_key),
                              "--auth", "0x" + "00" * 20, eoa, "--json"))
    assert receipt["status"] == "0x1" and receipt["type"] == "0x4"
    assert cast("code", eoa, "--rpc-url", url) == "0x"
    assert rpc(url, "eth_getStorageAt", eoa, "0x0", "latest") == "0x" + (7).to_bytes(32, "big").hex()


def test_cast_sponsors_an_authorization_signed_apart(prague, delegate_code):
    """FRESH holds no ether: it signs with ``cast wallet sign-auth`` and OWNER sends and pays."""
    url = prague.url
    delegate = deploy(url, delegate_code["bytecode"])
    signed = cast("wallet", "sign-auth", delegate, "--private-key", hexkey(FRESH_KEY), "--rpc-url", url)
    fresh = hexaddr(FRESH)
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key),
                              "--auth", signed, fresh, "bump(uint256)", "3", "--json"))
    assert receipt["status"] == "0x1" and receipt["type"] == "0x4"
    assert cast("code", fresh, "--rpc-url", url) == "0x" + designator(bytes.fromhex(delegate[2:])).hex()
    assert cast("nonce", fresh, "--rpc-url", url) == "1"
    assert cast("balance", fresh, "--rpc-url", url) == "0"
    assert cast("call", fresh, "counter()(uint256)", "--rpc-url", url) == "3"
    # the same signed authorization again: its nonce is spent, so it is skipped
    receipt = json.loads(cast("send", "--rpc-url", url, "--private-key", hexkey(OWNER.private_key),
                              "--auth", signed, fresh, "bump(uint256)", "1", "--json"))
    assert receipt["status"] == "0x1" and cast("nonce", fresh, "--rpc-url", url) == "1"
    assert cast("call", fresh, "counter()(uint256)", "--rpc-url", url) == "4"


def test_viem_sign_authorization_and_send(prague, delegate_code):
    url = prague.url
    delegate = deploy(url, delegate_code["bytecode"])
    bump = cast("calldata", "bump(uint256)", "42")
    read = cast("calldata", "counter()")
    result = subprocess.run(
        ["node", str(HERE / "viem_7702_flow.mjs"), url, str(CHAIN_ID), hexkey(OWNER.private_key),
         hexkey(FRESH_KEY), delegate, bump, read],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["authority"].lower() == hexaddr(FRESH)
    assert seen["status"] == "success" and seen["receiptType"] == "eip7702" and seen["txType"] == "eip7702"
    assert seen["signed"]["nonce"] == 0 and seen["signed"]["chainId"] == CHAIN_ID
    (auth,) = seen["authorizationList"]
    assert auth["address"].lower() == delegate.lower() and auth["chainId"] == CHAIN_ID and auth["nonce"] == 0
    assert auth["r"] == seen["signed"]["r"] and auth["s"] == seen["signed"]["s"]
    assert seen["code"] == "0x" + designator(bytes.fromhex(delegate[2:])).hex()
    assert int(seen["slot"], 16) == 42 and int(seen["returned"], 16) == 42
    assert int(seen["gasUsed"]) <= int(seen["estimate"])
