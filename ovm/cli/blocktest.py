"""
``ovm blocktest``
=================

Runs Ethereum blockchain tests (the BlockchainTests JSON format). For each
test whose ``network`` ovm implements — a fork (``Cancun``, ``Prague``), or
a transition (``CancunToPragueAtTime15k``: the first fork, then the second
from timestamp 15,000), each a schedule of ``ovm.chain.forks.ETHEREUM`` that
picks every block's fork by its timestamp: the genesis block is made from
``genesisBlockHeader`` and must encode to ``genesisRLP``, with the state root
of ``pre``; then every block's ``rlp`` is imported in order through the
chain layer (``ovm.chain.importer.MemoryChain``). A block marked with
``expectException`` must be rejected, for a reason of the class the fixture
names (``expected_rules``: compared loosely, by the rule broken, as other
clients' runners compare); any other block must import. A rejected block
leaves the chain at its parent and the next block goes on. At the end the
head must be ``lastblockhash`` and its state ``postState`` (or
``postStateHash``).

Output, flags and exit status are ``ovm statetest``'s (``ovm.cli.fixtures``):
a line per failed test, or with ``--json`` one object per test, then ``N
passed, N failed, N skipped``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..chain.block import Block, InvalidBlock, Rule, encode_block
from ..chain.forks import ETHEREUM, ForkSchedule, ForkScheduleError
from ..chain.genesis import ChainConfig
from ..chain.header import BYTES_FIELDS, FIELD_NAMES, OPTIONAL_FIELDS, Header
from ..chain.importer import MemoryChain
from ..primitives.types import HexError, hex_to_bytes, hex_to_int
from ..state import State
from ..transpiler.runner import DEFAULT_THRESHOLD
from . import fixtures
from .fixtures import (
    TRANSITION,
    FixtureError,
    build_state,
    code_runner_for,
    collect_files,
    load_json,
    report,
    selected_forks,
)

ENGINES = ("transpiler", "interpreter")
CHAIN_ID = 1  # the fixtures' transactions are signed for Ethereum's main chain id

# The fixture's exception names (execution-spec-tests' ``BlockException``) and
# the rules ovm reports for them; a ``TransactionException`` is a transaction
# that cannot be decoded or included.
BLOCK_EXCEPTION_RULES: dict[str, frozenset[Rule]] = {
    name: frozenset(rules)
    for names, rules in (
        (("RLP_STRUCTURES_ENCODING", "RLP_WITHDRAWALS_NOT_READ", "RLP_INVALID_FIELD_OVERFLOW_64",
          "RLP_INVALID_ADDRESS"), {Rule.ENCODING}),
        (("INCORRECT_BLOCK_FORMAT",), {Rule.ENCODING, Rule.FORK_FIELDS}),
        (("UNKNOWN_PARENT", "UNKNOWN_PARENT_ZERO"), {Rule.PARENT}),
        (("INVALID_BLOCK_NUMBER",), {Rule.NUMBER}),
        (("INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT",), {Rule.TIMESTAMP}),
        (("INVALID_GASLIMIT",), {Rule.GAS_LIMIT}),
        (("GASLIMIT_TOO_BIG",), {Rule.GAS_LIMIT, Rule.ENCODING}),
        (("GAS_USED_OVERFLOW", "INVALID_GAS_USED"), {Rule.GAS_USED}),
        (("INVALID_BASEFEE_PER_GAS",), {Rule.BASE_FEE}),
        (("BLOB_GAS_USED_ABOVE_LIMIT", "INCORRECT_BLOB_GAS_USED", "INCORRECT_EXCESS_BLOB_GAS"),
         {Rule.BLOB_GAS}),
        (("EXTRA_DATA_TOO_BIG",), {Rule.EXTRA_DATA}),
        (("IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS", "INVALID_DIFFICULTY"), {Rule.PROOF_OF_WORK}),
        (("IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS", "INVALID_UNCLES_HASH", "TOO_MANY_UNCLES",
          "UNCLE_IN_CHAIN", "UNCLE_IS_ANCESTOR", "UNCLE_IS_BROTHER", "UNCLE_PARENT_INCORRECT",
          "UNCLE_UNKNOWN_PARENT"), {Rule.OMMERS}),
        (("INVALID_TRANSACTIONS_ROOT",), {Rule.TRANSACTIONS_ROOT}),
        (("INVALID_WITHDRAWALS_ROOT",), {Rule.WITHDRAWALS_ROOT}),
        (("INVALID_STATE_ROOT",), {Rule.STATE_ROOT}),
        (("INVALID_RECEIPTS_ROOT",), {Rule.RECEIPTS_ROOT}),
        (("INVALID_LOG_BLOOM",), {Rule.LOGS_BLOOM}),
        (("INVALID_REQUESTS", "INVALID_DEPOSIT_EVENT_LAYOUT"), {Rule.REQUESTS}),
        (("SYSTEM_CONTRACT_EMPTY", "SYSTEM_CONTRACT_CALL_FAILED"), {Rule.SYSTEM_CALL}),
    )  # fmt: skip
    for name in names
}


def expected_rules(expectation: str) -> frozenset[Rule]:
    """The rules a rejection may name for an ``expectException`` value
    (``Class.NAME``, several joined by ``|``). A block exception ovm does
    not know admits any rule but a transaction's; an unknown class, any."""
    rules: set[Rule] = set()
    for name in expectation.split("|"):
        kind, _, reason = name.strip().partition(".")
        if kind == "TransactionException":
            rules.add(Rule.TRANSACTION)
            if reason.startswith("RLP_"):
                rules.add(Rule.ENCODING)
        elif kind == "BlockException":
            rules |= BLOCK_EXCEPTION_RULES.get(reason, set(Rule) - {Rule.TRANSACTION})
        else:
            rules |= set(Rule)
    return frozenset(rules)


@dataclass
class BlockTestResult:
    file: str
    name: str
    fork: str
    passed: bool | None  # None: skipped (fork not implemented)
    imported: int = 0
    rejected: int = 0
    last_block_hash: str = ""
    state_root: str = ""
    error: str = ""
    seconds: float = 0.0

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "name": self.name,
            "fork": self.fork,
            "pass": self.passed,
            "imported": self.imported,
            "rejected": self.rejected,
            "lastBlockHash": self.last_block_hash,
            "stateRoot": self.state_root,
            "error": self.error,
            "seconds": round(self.seconds, 6),
        }

    def describe(self) -> str:
        if not self.name:
            return f"FAIL {self.file}: {self.error}"
        return f"FAIL {self.file}::{self.name} [{self.fork}]: {self.error}"


# --- the genesis ----------------------------------------------------------------

# ``genesisBlockHeader``'s names for the header's fields, in RLP order.
HEADER_JSON_NAMES = (
    "parentHash", "uncleHash", "coinbase", "stateRoot", "transactionsTrie", "receiptTrie",
    "bloom", "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData",
    "mixHash", "nonce", "baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas",
    "parentBeaconBlockRoot", "requestsHash",
)  # fmt: skip


def header_from_json(fields: dict) -> Header:
    values = {}
    for name, json_name in zip(FIELD_NAMES, HEADER_JSON_NAMES, strict=True):
        if name in OPTIONAL_FIELDS and json_name not in fields:
            continue
        text = fields[json_name]
        values[name] = hex_to_bytes(text) if name in BYTES_FIELDS else hex_to_int(text)
    return Header(**values)


def network_schedule(network: str) -> ForkSchedule | None:
    """The fork schedule a test's ``network`` names, or None if ovm does not run it."""
    transition = TRANSITION.match(network)
    try:
        if transition is None:
            return ETHEREUM.only(network) if network == ETHEREUM.find(network).name else None
        first, second = (ETHEREUM.find(name) for name in transition.groups()[:2])
        return ETHEREUM.schedule({first.key: 0, second.key: int(transition.group(3)) * 1000})
    except ForkScheduleError:
        return None


def genesis_problems(test: dict, genesis: Block, state: State) -> list[str]:
    problems = []
    expected_rlp = hex_to_bytes(test["genesisRLP"])
    if encode_block(genesis) != expected_rlp:
        problems.append("genesis block does not encode to genesisRLP")
    expected_hash = test["genesisBlockHeader"].get("hash")
    if expected_hash and "0x" + genesis.hash.hex() != expected_hash:
        problems.append(f"genesis hash 0x{genesis.hash.hex()} != expected {expected_hash}")
    root, expected_root = state.state_root(), genesis.header.state_root
    if root != expected_root:
        problems.append(f"pre-state root 0x{root.hex()} != genesis state root 0x{expected_root.hex()}")
    return problems


# --- the blocks -----------------------------------------------------------------


def block_problem(chain: MemoryChain, number: int, block: dict) -> tuple[str, bool]:
    """Import one fixture block; returns (the problem or "", whether it was imported)."""
    expectation = block.get("expectException")
    try:
        chain.import_rlp(hex_to_bytes(block["rlp"]))
    except InvalidBlock as exc:
        if not expectation:
            return f"block {number} rejected ({exc.rule}): {exc}", False
        if exc.rule not in expected_rules(expectation):
            return f"block {number} rejected for its {exc.rule} ({exc}), expected {expectation}", False
        return "", False
    if expectation:
        return f"block {number} imported, expected {expectation}", True
    return "", True


def post_state_problems(test: dict, state: State) -> list[str]:
    root = state.state_root()
    if "postState" in test:
        expected_state = build_state(test["postState"])
        expected = expected_state.state_root()
        if root == expected:
            return []
        where = state_difference(state, expected_state)
        return [f"post-state root 0x{root.hex()} != expected 0x{expected.hex()}{where}"]
    expected_hex = test["postStateHash"]
    if "0x" + root.hex() != expected_hex:
        return [f"post-state root 0x{root.hex()} != expected {expected_hex}"]
    return []


def state_difference(actual: State, expected: State) -> str:
    """The accounts that differ (a few), to say where a post-state went wrong."""
    addresses = sorted(set(actual.accounts) | set(expected.accounts))
    differing = [
        "0x" + address.hex() for address in addresses
        if _account_view(actual, address) != _account_view(expected, address)
    ]  # fmt: skip
    if not differing:
        return ""
    more = f" and {len(differing) - 3} more" if len(differing) > 3 else ""
    return f" (accounts differing: {', '.join(differing[:3])}{more})"


def _account_view(state: State, address: bytes) -> tuple | None:
    account = state.get_account(address)
    if account is None:
        return None
    return account.nonce, account.balance, account.code, state.storage.get(address) or {}


def check_test(path: str, name: str, test: dict, engine: str, tier_up: int) -> BlockTestResult:
    fork_name = test["network"]
    result = BlockTestResult(file=path, name=name, fork=fork_name, passed=None)
    schedule = network_schedule(fork_name)
    if schedule is None:
        return result
    started = time.perf_counter()
    genesis = Block(header_from_json(test["genesisBlockHeader"]), ())
    state = build_state(test["pre"])
    problems = genesis_problems(test, genesis, state)
    config = ChainConfig(chain_id=CHAIN_ID, forks=schedule)
    chain = MemoryChain(genesis, state, config, code_runner_for(engine, tier_up))
    for number, block in enumerate(test["blocks"], start=1):
        problem, imported = block_problem(chain, number, block)
        result.imported += imported
        result.rejected += not imported
        if problem:
            problems.append(problem)
    result.last_block_hash = "0x" + chain.head.hash.hex()
    result.state_root = "0x" + chain.head_state.state_root().hex()
    if result.last_block_hash != test["lastblockhash"]:
        problems.append(f"last block hash {result.last_block_hash} != expected {test['lastblockhash']}")
    problems += post_state_problems(test, chain.head_state)
    result.seconds = time.perf_counter() - started
    result.passed = not problems
    result.error = "; ".join(problems)
    return result


# --- files and the command ------------------------------------------------------


def load_tests(path: Path) -> dict:
    data = load_json(path)
    if not isinstance(data, dict) or not all(
        isinstance(t, dict) and "blocks" in t and "network" in t for t in data.values()
    ):
        raise FixtureError(f"{path} is not a blockchain test file (no 'blocks' and 'network')")
    return data


def run_file(
    path: Path, forks: set[str] | None = None, engine: str = "transpiler",
    tier_up: int = DEFAULT_THRESHOLD,
) -> Iterator[BlockTestResult]:
    """Every test of one file; a malformed file or test is one failed test."""
    try:
        tests = load_tests(path)
    except FixtureError as exc:
        yield BlockTestResult(file=str(path), name="", fork="", passed=False, error=str(exc))
        return
    for name, test in tests.items():
        if forks is not None and test["network"] not in forks:
            continue
        try:
            yield check_test(str(path), name, test, engine, tier_up)
        except (KeyError, TypeError, HexError, ValueError) as exc:
            yield BlockTestResult(
                file=str(path), name=name, fork=str(test["network"]), passed=False,
                error=f"malformed test: {type(exc).__name__}: {exc}",
            )  # fmt: skip


def add_arguments(parser) -> None:
    fixtures.add_arguments(
        parser, "blockchain test", ENGINES,
        "transpiler (default: hot code runs translated) or interpreter",
    )


def main(args) -> int:
    forks = selected_forks(args.fork)
    files = collect_files(args.paths)
    results = (
        test for path in files for test in run_file(path, forks, args.engine, args.tier_up)
    )
    return report(results, args.json)
