"""
Withdrawal proofs
=================

What a withdrawal prover computes off chain, in Python, for the contract tests:
the withdrawal hash and its ``sentMessages`` slot, the output root, the
``eth_getProof`` storage proof, and the abi encoding ``finalizeWithdrawal``
takes. The L2 here is played by the anvil itself: its state root, block hash and
the message passer's storage root make a real output root.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from eth_abi import encode
from web3 import Web3

WITHDRAWAL_TYPE = "(uint256,address,address,uint256,uint256,bytes)"
BRIDGE_GAS_LIMIT = 200_000  # what L2Bridge records
OUTPUT_ROOT_PROOF_TYPE = "(bytes32,bytes32,bytes32,bytes32)"
PROOF_TYPES = [WITHDRAWAL_TYPE, "uint256", OUTPUT_ROOT_PROOF_TYPE, "bytes[]"]
SENT_MESSAGES_SLOT = 0
OUTPUT_VERSION = bytes(32)


@dataclass(frozen=True)
class Withdrawal:
    nonce: int
    l2_sender: str
    l1_recipient: str
    amount: int
    gas_limit: int = BRIDGE_GAS_LIMIT
    data: bytes = b""

    @property
    def hash(self) -> bytes:
        """keccak256(abi.encode(nonce, sender, target, value, gasLimit, data)), OP's hashWithdrawal."""
        return Web3.keccak(encode(["uint256", "address", "address", "uint256", "uint256", "bytes"], self.fields()))

    @property
    def slot(self) -> bytes:
        """The message passer's slot of ``sentMessages[hash]``."""
        return Web3.keccak(encode(["bytes32", "uint256"], [self.hash, SENT_MESSAGES_SLOT]))

    def fields(self) -> tuple:
        return (self.nonce, self.l2_sender, self.l1_recipient, self.amount, self.gas_limit, self.data)

    def but(self, **changes) -> Withdrawal:
        return replace(self, **changes)


@dataclass(frozen=True)
class OutputRootProof:
    """The preimage of an output root."""

    state_root: bytes
    message_passer_storage_root: bytes
    block_hash: bytes
    version: bytes = OUTPUT_VERSION

    @property
    def root(self) -> bytes:
        """keccak256(version ‖ stateRoot ‖ messagePasserStorageRoot ‖ blockHash)."""
        return Web3.keccak(self.version + self.state_root + self.message_passer_storage_root + self.block_hash)

    def fields(self) -> tuple:
        return (self.version, self.state_root, self.message_passer_storage_root, self.block_hash)

    def but(self, **changes) -> OutputRootProof:
        return replace(self, **changes)


def encode_proof(withdrawal: Withdrawal, output_index: int, output: OutputRootProof,
                 storage_proof: list[bytes]) -> bytes:
    """The ``proof`` argument of ``L1Bridge.finalizeWithdrawal``."""
    return encode(PROOF_TYPES, [withdrawal.fields(), output_index, output.fields(), storage_proof])


def withdrawal_from_event(event) -> Withdrawal:
    """The withdrawal a ``MessagePassed`` event records."""
    args = event.args
    return Withdrawal(args.nonce, args.sender, args.target, args.value, args.gasLimit, args.data)


def output_at(w3: Web3, message_passer: str, block_number: int) -> OutputRootProof:
    """The output root preimage of ``block_number`` of the chain behind ``w3``."""
    block = w3.eth.get_block(block_number)
    account = w3.eth.get_proof(message_passer, [], block_number)
    return OutputRootProof(bytes(block.stateRoot), bytes(account.storageHash), bytes(block.hash))


def storage_proof(w3: Web3, message_passer: str, slot: bytes, block_number: int) -> list[bytes]:
    """``eth_getProof``'s storage proof of ``slot`` at ``block_number``."""
    account = w3.eth.get_proof(message_passer, ["0x" + slot.hex()], block_number)
    return [bytes(node) for node in account.storageProof[0].proof]
