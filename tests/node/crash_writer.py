"""
Crash writer
============

The process ``test_chain_crash.py`` kills: it opens the chain in the data
directory given as its argument, first includes the transactions left
pending by its previous life, then builds blocks in a loop from pre-signed
transactions (transfers to fresh addresses and calls that write a new storage
slot), saying on stdout what has become durable:

    ready                   the chain is open (its root verified)
    ack <tx hash>           the transaction is stored as pending
    block <number> <hash>   the block is committed

It runs until it is killed.
"""

from __future__ import annotations

import itertools
import sys
from typing import Iterator

from ovm.chain import Genesis, GenesisAccount, dev_genesis
from ovm.chain.dev_accounts import dev_accounts
from ovm.evm.signing import sign_transaction
from ovm.evm.transactions import FeeMarketTransaction, Transaction
from ovm.node.chain import Blockchain
from ovm.node.store import ChainStore
from ovm.primitives.crypto import keccak256

CHAIN_ID = 901
SENDERS = dev_accounts()[:4]
TXS_PER_BLOCK = 4
BATCH = 200  # transactions signed ahead per sender
SLOTTER = bytes.fromhex("5107" * 10)
# SSTORE(v, v) for the calldata word v: every call adds a slot
SLOTTER_CODE = bytes.fromhex("60003580" + "55" + "00")
GENESIS = Genesis(
    alloc={**dev_genesis().alloc, SLOTTER: GenesisAccount(nonce=1, code=SLOTTER_CODE)}
)


def transaction(sender_index: int, nonce: int) -> Transaction:
    """Every other transaction is a transfer to a fresh address, the rest write a slot."""
    account = SENDERS[sender_index]
    fresh = keccak256(bytes((sender_index,)) + nonce.to_bytes(8, "big"))
    if nonce % 2:
        to, value, data, gas = fresh[:20], 1, b"", 21000
    else:
        to, value, data, gas = SLOTTER, 0, fresh, 50_000
    tx = FeeMarketTransaction(
        chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=1, max_fee_per_gas=10**10,
        gas=gas, to=to, value=value, data=data, access_list=(), y_parity=0, r=0, s=0,
    )  # fmt: skip
    return sign_transaction(tx, account.private_key, CHAIN_ID)


def presigned(chain: Blockchain) -> Iterator[Transaction]:
    """Transactions from every sender in turn, signed a batch at a time."""
    nonces = [chain.state.get_nonce(account.address) for account in SENDERS]
    for start in itertools.count(0, BATCH):
        batch = [
            [transaction(i, nonce + start + k) for k in range(BATCH)]
            for i, nonce in enumerate(nonces)
        ]
        for k in range(BATCH):
            for txs in batch:
                yield txs[k]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def commit(chain: Blockchain, txs: list[Transaction]) -> None:
    built = chain.build_block(txs)
    if built.rejected:
        raise SystemExit(f"rejected: {built.rejected}")
    say(f"block {built.block.number} {built.block.hash.hex()}")


def main(datadir: str) -> None:
    chain = Blockchain(ChainStore.open(datadir), GENESIS)
    say("ready")
    leftovers = chain.pending_transactions()
    if leftovers:
        commit(chain, leftovers)
    source = presigned(chain)
    while True:
        txs = list(itertools.islice(source, TXS_PER_BLOCK))
        for tx in txs:
            say(f"ack {chain.remember_pending(tx).hex()}")
        commit(chain, txs)


if __name__ == "__main__":
    main(sys.argv[1])
