"""
Block instructions
==================
"""

from .stack import push_value


def blockhash(f):
    s = f.stack
    number = s[-1]
    current = f.env.number
    if current - 256 <= number < current:
        s[-1] = int.from_bytes(f.env.block_hash(number), "big")
    else:
        s[-1] = 0


def coinbase(f):
    push_value(f, int.from_bytes(f.env.coinbase, "big"))


def timestamp(f):
    push_value(f, f.env.timestamp)


def number(f):
    push_value(f, f.env.number)


def prevrandao(f):
    push_value(f, int.from_bytes(f.env.prev_randao, "big"))


def gaslimit(f):
    push_value(f, f.env.gas_limit)


def chainid(f):
    push_value(f, f.env.chain_id)


def selfbalance(f):
    push_value(f, f.state.get_balance(f.address))


def basefee(f):
    push_value(f, f.env.base_fee)


def blobhash(f):
    s = f.stack
    index = s[-1]
    hashes = f.tx.blob_hashes
    s[-1] = int.from_bytes(hashes[index], "big") if index < len(hashes) else 0


def blobbasefee(f):
    push_value(f, f.env.blob_base_fee)
