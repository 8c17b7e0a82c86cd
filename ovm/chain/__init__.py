"""
Chain
=====

Blocks and what commits to them: headers and their hashes, block bodies,
receipts and the logs bloom, the EIP-1559 base fee and EIP-4844 excess blob
gas, genesis (chain config, allocations, the dev accounts), and the block
builder that runs transactions on a state and seals the result into a block.
"""

from .base_fee import BaseFeeParams, next_base_fee, next_excess_blob_gas
from .block import Block, InvalidBlock, decode_block, encode_block, transactions_root
from .bloom import EMPTY_BLOOM, bloom_add, bloom_contains, combine_blooms, logs_bloom
from .builder import BlockBuilder
from .dev_accounts import DevAccount, dev_accounts
from .genesis import (
    ChainConfig,
    Genesis,
    GenesisAccount,
    GenesisError,
    dev_genesis,
    genesis_block,
    genesis_state,
    load_genesis,
    parse_genesis,
)
from .header import (
    EMPTY_OMMERS_HASH,
    Header,
    InvalidHeader,
    block_hash,
    decode_header,
    encode_header,
)
from .receipt import (
    InvalidReceipt,
    Receipt,
    ReceiptDetails,
    decode_receipt,
    encode_receipt,
    make_receipt,
    receipts_root,
)

__all__ = [
    "EMPTY_BLOOM",
    "EMPTY_OMMERS_HASH",
    "BaseFeeParams",
    "Block",
    "BlockBuilder",
    "ChainConfig",
    "DevAccount",
    "Genesis",
    "GenesisAccount",
    "GenesisError",
    "Header",
    "InvalidBlock",
    "InvalidHeader",
    "InvalidReceipt",
    "Receipt",
    "ReceiptDetails",
    "block_hash",
    "bloom_add",
    "bloom_contains",
    "combine_blooms",
    "decode_block",
    "decode_header",
    "decode_receipt",
    "dev_accounts",
    "dev_genesis",
    "encode_block",
    "encode_header",
    "encode_receipt",
    "genesis_block",
    "genesis_state",
    "load_genesis",
    "logs_bloom",
    "make_receipt",
    "next_base_fee",
    "next_excess_blob_gas",
    "parse_genesis",
    "receipts_root",
    "transactions_root",
]
