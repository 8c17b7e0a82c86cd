"""
Realistic L2 blocks
===================

Signed L2 transactions of the kinds a rollup carries, grouped into consecutive
blocks for the batch tests and the compression benchmark (bench/compression.py):
ETH transfers, ERC-20 ``transfer(address,uint256)`` calls to a few token
contracts, and now and then a contract deployment (creation code of the
rollup's own compiled contracts). Type-2 transactions for chain id 901, signed
with real secp256k1 keys (the ten dev accounts and keys derived from the seed),
each sender's nonces counting up, fees around a low L2 base fee, recipients and
tokens drawn with a popular few. Everything follows from the seed. Nothing is
executed: a batch carries transactions, it does not run them.
"""

from __future__ import annotations

import random

from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, encode_transaction
from ovm.primitives.crypto import keccak256, private_key_to_address
from ovm.rollup.artifacts import load
from ovm.rollup.batch import BlockFrameData

L2_CHAIN_ID = 901
BLOCK_TIME = 2
GENESIS_TIME = 1_760_000_000
BLOCKS_PER_L1_ORIGIN = 6
TRANSFER_SELECTOR = keccak256(b"transfer(address,uint256)")[:4]
DEPLOYED = ("L2ToL1MessagePasser", "L2Bridge", "GasPriceOracle")
MIXES = {
    "mixed": {"eth": 45, "erc20": 54, "deploy": 1},  # percent
    "eth": {"eth": 1},
    "erc20": {"erc20": 1},
}


class Workload:
    """A deterministic source of signed L2 transactions."""

    def __init__(self, seed: int, senders: int = 64, recipients: int = 256, tokens: int = 6) -> None:
        self.rng = random.Random(seed)
        derived = [keccak256(b"l2-blocks-sender" + seed.to_bytes(8, "big") + i.to_bytes(4, "big"))
                   for i in range(senders - len(dev_accounts()))]
        self.keys = [account.private_key for account in dev_accounts()] + derived
        self.nonces = [0] * len(self.keys)
        self.recipients = [private_key_to_address(keccak256(b"recipient" + i.to_bytes(4, "big")))
                           for i in range(recipients)]
        self.tokens = [keccak256(b"token" + i.to_bytes(4, "big"))[:20] for i in range(tokens)]

    def transaction(self, mix: str = "mixed") -> bytes:
        """One signed transaction of a kind drawn from ``mix`` (a key of ``MIXES``)."""
        kinds = MIXES[mix]
        kind = self.rng.choices(list(kinds), weights=list(kinds.values()))[0]
        return {"eth": self.eth_transfer, "erc20": self.erc20_transfer, "deploy": self.deployment}[kind]()

    def eth_transfer(self) -> bytes:
        return self._sign(to=self._recipient(), value=self.rng.randrange(10**15, 10**19), data=b"", gas=21_000)

    def erc20_transfer(self) -> bytes:
        token = self.tokens[min(int(self.rng.expovariate(0.7)), len(self.tokens) - 1)]
        amount = self.rng.randrange(1, 10**6) * 10 ** self.rng.choice((12, 15, 18))
        data = TRANSFER_SELECTOR + bytes(12) + self._recipient() + amount.to_bytes(32, "big")
        return self._sign(to=token, value=0, data=data, gas=self.rng.choice((52_000, 65_000, 90_000)))

    def deployment(self) -> bytes:
        code = load(self.rng.choice(DEPLOYED)).bytecode
        return self._sign(to=None, value=0, data=code, gas=2_000_000)

    def _recipient(self) -> bytes:
        """Mostly one of the popular recipients, sometimes a fresh address."""
        if self.rng.random() < 0.2:
            return self.rng.randbytes(20)
        return self.recipients[min(int(self.rng.expovariate(0.02)), len(self.recipients) - 1)]

    def _sign(self, *, to: bytes | None, value: int, data: bytes, gas: int) -> bytes:
        sender = self.rng.randrange(len(self.keys))
        tx = FeeMarketTransaction(
            chain_id=L2_CHAIN_ID, nonce=self.nonces[sender],
            max_priority_fee_per_gas=self.rng.choice((1, 10**6, 10**7)),
            max_fee_per_gas=self.rng.choice((10**8, 2 * 10**8, 10**9)),
            gas=gas, to=to, value=value, data=data, access_list=(), y_parity=0, r=0, s=0,
        )
        self.nonces[sender] += 1
        return encode_transaction(sign_transaction(tx, self.keys[sender], L2_CHAIN_ID))


def make_blocks(seed: int, count: int, txs_per_block: int, mix: str = "mixed",
                first_number: int = 1) -> list[BlockFrameData]:
    """``count`` consecutive blocks of ``txs_per_block`` transactions each, 2 s apart,
    six to an L1 origin."""
    workload = Workload(seed)
    blocks = []
    for number in range(first_number, first_number + count):
        origin = 1000 + number // BLOCKS_PER_L1_ORIGIN
        blocks.append(BlockFrameData(
            number=number, timestamp=GENESIS_TIME + BLOCK_TIME * number, l1_origin_number=origin,
            l1_origin_hash=keccak256(origin.to_bytes(8, "big")),
            transactions=tuple(workload.transaction(mix) for _ in range(txs_per_block)),
        ))
    return blocks
