"""
Chain
=====

Blocks and what commits to them: headers and their hashes, block bodies,
withdrawals, receipts and the logs bloom, the EIP-1559 base fee and EIP-4844
excess blob gas, genesis (chain config, allocations, the dev accounts), the
forks of a chain and their schedule by timestamp (``forks``), the system
contracts and the system calls a block makes, the requests it commits to
(EIP-7685), the block builder that runs transactions on a state and seals
the result into a block, and block import: the validation of a block made
elsewhere against its parent and its own execution.
"""

from .base_fee import BaseFeeParams, next_base_fee, next_excess_blob_gas
from .block import (
    Block,
    InvalidBlock,
    Rule,
    check_commitments,
    decode_block,
    encode_block,
    parse_block,
    transactions_root,
    withdrawals_root,
)
from .bloom import EMPTY_BLOOM, bloom_add, bloom_contains, combine_blooms, logs_bloom
from .builder import BlockBuilder
from .dev_accounts import DevAccount, dev_accounts
from .forks import (
    CANCUN_ONLY,
    ETHEREUM,
    OP_STACK,
    BlockRules,
    ChainFork,
    ForkSchedule,
    ForkScheduleError,
    ForkTable,
    schedule_of,
)
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
from .importer import MemoryChain, import_block
from .receipt import (
    InvalidReceipt,
    Receipt,
    ReceiptDetails,
    decode_receipt,
    encode_receipt,
    make_receipt,
    receipts_root,
)
from .requests import EMPTY_REQUESTS_HASH, requests_hash
from .system_call import (
    BEACON_ROOTS_ADDRESS,
    HISTORY_STORAGE_ADDRESS,
    SYSTEM_ADDRESS,
    checked_system_call,
    system_call,
)
from .system_contracts import SystemContract
from .validation import check_execution, validate_header
from .withdrawal import Withdrawal, apply_withdrawals

__all__ = [
    "BEACON_ROOTS_ADDRESS",
    "CANCUN_ONLY",
    "EMPTY_REQUESTS_HASH",
    "ETHEREUM",
    "HISTORY_STORAGE_ADDRESS",
    "OP_STACK",
    "BlockRules",
    "ChainFork",
    "ForkSchedule",
    "ForkScheduleError",
    "ForkTable",
    "schedule_of",
    "SystemContract",
    "checked_system_call",
    "requests_hash",
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
    "MemoryChain",
    "Receipt",
    "ReceiptDetails",
    "Rule",
    "SYSTEM_ADDRESS",
    "Withdrawal",
    "apply_withdrawals",
    "block_hash",
    "bloom_add",
    "bloom_contains",
    "check_commitments",
    "check_execution",
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
    "import_block",
    "load_genesis",
    "logs_bloom",
    "make_receipt",
    "next_base_fee",
    "next_excess_blob_gas",
    "parse_block",
    "parse_genesis",
    "receipts_root",
    "system_call",
    "transactions_root",
    "validate_header",
    "withdrawals_root",
]
