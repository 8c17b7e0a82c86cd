"""
P-256 signatures through P256VERIFY (0x100) with web3.py against ``ovm node``
============================================================================

A passkey-style contract (``P256Verifier.sol``) checks secp256r1 signatures
that the test makes with the ``cryptography`` package, by a ``staticcall``
to 0x100. On Ethereum the precompile comes with Osaka (EIP-7951, 6,900 gas):
``ovm node`` (Osaka by default) accepts a good signature and refuses a wrong
one; ``ovm node --fork prague`` has nothing at 0x100, the call returns no
output and every signature reads as false, so the contract's ``approve``
reverts. The devnet's L2, which has the precompile from Fjord on, is in
``test_osaka_devnet.py``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from node_process import HERE
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.middleware import SignAndSendRawMiddlewareBuilder

from ovm.chain.dev_accounts import dev_accounts

OWNER = dev_accounts()[0]
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # the order of P-256
P256VERIFY = "0x0000000000000000000000000000000000000100"
MESSAGE = b"ovm passkey approval #1"


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


class Passkey:
    """A P-256 key made here, as a passkey's authenticator holds one."""

    def __init__(self, secret: int) -> None:
        self.key = ec.derive_private_key(secret, ec.SECP256R1())
        numbers = self.key.public_key().public_numbers()
        self.x, self.y = word(numbers.x), word(numbers.y)

    def sign(self, message: bytes) -> tuple[bytes, bytes]:
        """(r, s) of an ECDSA signature of sha256(message)."""
        r, s = decode_dss_signature(self.key.sign(message, ec.ECDSA(hashes.SHA256())))
        return word(r), word(s)


@pytest.fixture(scope="session")
def verifier_code() -> dict:
    out = subprocess.run(["node", str(HERE / "compile.mjs"), str(HERE / "P256Verifier.sol")],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out)["P256Verifier"]


def web3_for(url: str) -> Web3:
    """web3.py on ``url``, signing OWNER's transactions itself (no unlocked account needed)."""
    w3 = Web3(Web3.HTTPProvider(url))
    account = w3.eth.account.from_key(OWNER.private_key)
    w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(account), layer=0)
    w3.eth.default_account = account.address
    return w3


def deploy_verifier(w3: Web3, code: dict, passkey: Passkey):
    factory = w3.eth.contract(abi=code["abi"], bytecode=code["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor(passkey.x, passkey.y).transact(), timeout=60)
    assert receipt.status == 1
    return w3.eth.contract(address=receipt.contractAddress, abi=code["abi"])


def verdicts(url: str, code: dict) -> dict[str, bool]:
    """What the contract says of a good signature and of wrong ones."""
    w3 = web3_for(url)
    passkey, other = Passkey(0x7951), Passkey(0x7212)
    contract = deploy_verifier(w3, code, passkey)
    digest = hashlib.sha256(MESSAGE).digest()
    r, s = passkey.sign(MESSAGE)
    verify = contract.functions.verify

    def says(hash_: bytes, r_: bytes, s_: bytes, key: Passkey = passkey) -> bool:
        return verify(hash_, r_, s_, key.x, key.y).call()

    return {
        "good": says(digest, r, s),
        "other message": says(hashlib.sha256(MESSAGE + b"!").digest(), r, s),
        "s + 1": says(digest, r, word(int.from_bytes(s, "big") + 1)),
        "other key": says(digest, r, s, other),
        "other key's signature": says(digest, *other.sign(MESSAGE)),
        "r = 0": says(digest, word(0), s),
        # ECDSA's malleability: (r, n - s) verifies too; the precompile does not
        # ask for a low s (EIP-7951), so a contract that needs one signature per
        # approval must check that itself
        "(r, n - s)": says(digest, r, word(N - int.from_bytes(s, "big"))),
    }


def expected(has_p256: bool) -> dict[str, bool]:
    return {"good": has_p256, "other message": False, "s + 1": False, "other key": False,
            "other key's signature": False, "r = 0": False, "(r, n - s)": has_p256}  # fmt: skip


def approve_then_refuse(url: str, code: dict) -> tuple[str, int]:
    """A transaction approves with a good signature; a wrong one reverts with
    the contract's reason. The contract's address and the approval's block."""
    w3 = web3_for(url)
    passkey = Passkey(0x256)
    contract = deploy_verifier(w3, code, passkey)
    r, s = passkey.sign(MESSAGE)
    receipt = w3.eth.wait_for_transaction_receipt(contract.functions.approve(MESSAGE, r, s).transact(), timeout=60)
    assert receipt.status == 1
    (event,) = contract.events.Approved().process_receipt(receipt)
    assert event.args["hash"] == hashlib.sha256(MESSAGE).digest() and event.args["approvals"] == 1
    with pytest.raises(ContractLogicError, match="P256Verifier: bad signature"):
        contract.functions.approve(MESSAGE + b"!", r, s).call()
    assert contract.functions.approvals().call() == 1
    return contract.address, receipt.blockNumber


def precompile_gas(url: str) -> int:
    """Gas used by a transaction that sends 160 zero bytes straight to 0x100:
    21,000, 640 for the calldata and the precompile's price (an invalid input
    is charged as a valid one), or EIP-7623's floor of 22,600 if that is more."""
    w3 = web3_for(url)
    tx_hash = w3.eth.send_transaction({"to": P256VERIFY, "data": "0x" + "00" * 160, "gas": 100_000})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)
    assert receipt.status == 1
    return receipt.gasUsed


def direct_call(url: str) -> str:
    """What 0x100 itself returns for a good signature."""
    passkey = Passkey(0x100)
    r, s = passkey.sign(MESSAGE)
    data = hashlib.sha256(MESSAGE).digest() + r + s + passkey.x + passkey.y
    return Web3(Web3.HTTPProvider(url)).eth.call({"to": P256VERIFY, "data": "0x" + data.hex()}).hex()


def test_osaka_verifies_p256_signatures(start_node, verifier_code):
    url = start_node("--instant").url
    assert verdicts(url, verifier_code) == expected(has_p256=True)
    approve_then_refuse(url, verifier_code)
    assert direct_call(url) == word(1).hex()
    assert precompile_gas(url) == 21_000 + 640 + 6900


def test_prague_has_no_p256verify(start_node, verifier_code):
    url = start_node("--instant", "--fork", "prague").url
    assert verdicts(url, verifier_code) == expected(has_p256=False)
    w3 = web3_for(url)
    passkey = Passkey(0x256)
    contract = deploy_verifier(w3, verifier_code, passkey)
    with pytest.raises(ContractLogicError, match="P256Verifier: bad signature"):
        contract.functions.approve(MESSAGE, *passkey.sign(MESSAGE)).call()
    assert direct_call(url) == ""
    assert precompile_gas(url) == 22_600  # an empty account: the calldata floor
