"""
Block instructions
==================

BLOCKHASH and BLOBHASH take an operand; the other block values (COINBASE,
TIMESTAMP, ...) are frame-value expressions in ``expressions``.
"""


def blockhash(f):
    s = f.stack
    number = s[-1]
    current = f.env.number
    if current - 256 <= number < current:
        s[-1] = int.from_bytes(f.env.block_hash(number), "big")
    else:
        s[-1] = 0


def blobhash(f):
    s = f.stack
    index = s[-1]
    hashes = f.tx.blob_hashes
    s[-1] = int.from_bytes(hashes[index], "big") if index < len(hashes) else 0
