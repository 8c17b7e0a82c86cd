"""
The instructions, as the verifier runs them
===========================================

``execute`` runs one instruction on the opened machine (``verifier.Run``)
from its revealed operands and the witness's ``extra``; ``part`` runs the
next part of an instruction split into sub-steps (its ``pending_record``
opened). LOG0 … LOG4 are ``verifier_logs``'. Word values come
from ``ovm.evm``'s own expressions (``instructions.expressions.PURE``) and
gas from its named costs; what is written here is how each instruction
opens and changes the committed parts.
"""

from __future__ import annotations

from ..evm.gas import COPY_WORD, KECCAK256_WORD, memory_cost
from ..evm.instructions.arithmetic import exp_cost
from ..evm.instructions.expressions import NAMESPACE, PURE
from ..evm.opcodes import BY_NAME, Kind, OpInfo
from ..primitives import rlp
from ..primitives.crypto import keccak256
from ..trie.proof import ProofError as TrieProofError
from ..trie.proof import verify_proof
from . import sponge, verifier_state
from .commitment import (
    BLOCK_HASHES_DEPTH,
    EMPTY_VIEW,
    HALT_EXCEPTIONAL,
    HALT_REVERT,
    HALT_SUCCESS,
    ByteView,
    Message,
    Pending,
    TxContext,
)
from .merkle import WORD_TREE_DEPTH, ZERO_WORD, range_root, word_span
from .state_access import STATE_OPS
from .rules import COPY_BYTES_PER_STEP, KECCAK_BLOCKS_PER_PART, KECCAK_ONE_STEP_BLOCKS, MEMORY_LIMIT
from .opening import Halt, Run, WitnessError, open_chunk, open_code, require
from .witness import (
    EXTRA_LAYOUTS,
    PENDING,
    CodeReveal,
    WordRange,
    block_from_abi,
    decode_extra,
    message_from_abi,
    pending_from_abi,
    substate_from_abi,
    tx_from_abi,
)

OP = {name: info.code for name, info in BY_NAME.items()}
M = (1 << 256) - 1
KECCAK_PART_BYTES = KECCAK_BLOCKS_PER_PART * sponge.RATE

_PURE = {
    BY_NAME[name].code: eval(  # noqa: S307 - ovm.evm's own expressions, as the interpreter compiles them
        f"lambda a, b=0, c=0: {expression.format(a='a', b='b', c='c')}", dict(NAMESPACE))
    for name, (_, expression) in PURE.items()
}

MESSAGE_VALUES = {
    "ADDRESS": lambda m: int.from_bytes(m.address, "big"),
    "CALLER": lambda m: int.from_bytes(m.caller, "big"),
    "CALLVALUE": lambda m: m.value,
    "CALLDATASIZE": lambda m: m.calldata_size,
}
BLOCK_VALUES = {
    "COINBASE": lambda b: int.from_bytes(b.coinbase, "big"),
    "TIMESTAMP": lambda b: b.timestamp,
    "NUMBER": lambda b: b.number,
    "PREVRANDAO": lambda b: int.from_bytes(b.prev_randao, "big"),
    "GASLIMIT": lambda b: b.gas_limit,
    "CHAINID": lambda b: b.chain_id,
    "BASEFEE": lambda b: b.base_fee,
    "BLOBBASEFEE": lambda b: b.blob_base_fee,
}
TX_VALUES = {
    "ORIGIN": lambda t: int.from_bytes(t.origin, "big"),
    "GASPRICE": lambda t: t.gas_price,
}


def extra(run: Run, layout: str) -> tuple:
    try:
        return decode_extra(EXTRA_LAYOUTS[layout], run.witness.extra)
    except Exception as exc:
        raise WitnessError(f"malformed extra ({layout}): {exc}") from None


def no_extra(run: Run) -> None:
    require(run.witness.extra == b"", "this step opens nothing more")


def open_message(run: Run, value: tuple) -> Message:
    message = message_from_abi(value)
    require(message.hash() == run.machine.message, "the message does not open the commitment")
    return message


# -- memory -----------------------------------------------------------------------


def expand(run: Run, offset: int, size: int) -> None:
    """Charge for and grow memory to cover ``[offset, offset+size)``."""
    if not size:
        return
    end = offset + size
    if end > MEMORY_LIMIT:
        raise Halt(HALT_EXCEPTIONAL)
    new_size = (end + 31) // 32 * 32
    if new_size > run.memory_size:
        run.charge(memory_cost(new_size // 32) - memory_cost(run.memory_size // 32))
        run.memory_size = new_size


def open_words(root: bytes, value: tuple, offset: int, size: int) -> tuple[WordRange, bytes]:
    """The words of the tree ``root`` covering bytes ``[offset, offset+size)``
    (``size`` > 0): the range and those words' bytes, checked."""
    words = WordRange.from_abi(value)
    first, count = word_span(offset, size)
    require(words.first == first and len(words.words) == count, "not the words this step reads")
    require(range_root(WORD_TREE_DEPTH, first, words.words, words.siblings) == root,
            "the words do not open their tree")
    return words, b"".join(words.words)


def read_bytes(root: bytes, value: tuple, offset: int, size: int) -> bytes:
    if not size:
        require(WordRange.from_abi(value) == WordRange(), "no words to reveal here")
        return b""
    words, data = open_words(root, value, offset, size)
    start = offset - 32 * words.first
    return data[start:start + size]


def write_bytes(run: Run, value: tuple, offset: int, data: bytes) -> None:
    """Write ``data`` at ``offset`` of memory, through the range proof ``value``."""
    words, old = open_words(run.memory, value, offset, len(data))
    start = offset - 32 * words.first
    new = old[:start] + data + old[start + len(data):]
    leaves = [new[i:i + 32] for i in range(0, len(new), 32)]
    run.memory = range_root(WORD_TREE_DEPTH, words.first, leaves, words.siblings)


def read_source(root: bytes, value: tuple, start: int, end: int, size: int) -> bytes:
    """``size`` bytes from ``start`` of a source whose bytes at ``end`` and beyond are zero."""
    stop = min(start + size, end)
    data = read_bytes(root, value, start, max(stop - start, 0))
    return data.ljust(size, b"\x00")


# -- one instruction ------------------------------------------------------------------


def execute(run: Run, opcode: int, info: OpInfo, a: list[int], immediate: bytes) -> None:
    name = info.name
    if opcode in _PURE:
        no_extra(run)
        run.push(_PURE[opcode](*a))
    elif name == "EXP":
        no_extra(run)
        if a[1]:
            run.charge(exp_cost(a[1]))
        run.push(pow(a[0], a[1], 1 << 256))
    elif info.kind is Kind.PUSH:
        no_extra(run)
        run.push(int.from_bytes(immediate, "big"))
    elif info.kind is Kind.DUP:
        no_extra(run)
        run.push(a[-1], *a)
    elif info.kind is Kind.SWAP:
        no_extra(run)
        run.push(a[-1], *a[1:-1], a[0])
    elif name in ("POP", "JUMPDEST"):
        no_extra(run)
    elif name == "PC":
        no_extra(run)
        run.push(run.pc)
    elif name == "GAS":
        no_extra(run)
        run.push(run.gas)
    elif name == "MSIZE":
        no_extra(run)
        run.push(run.memory_size)
    elif name in ("JUMP", "JUMPI"):
        jump(run, a)
        return
    elif name in ("STOP", "INVALID", "RETURN", "REVERT"):
        halt(run, name, a)
    elif name in MESSAGE_VALUES:
        (message,) = extra(run, "message")
        run.push(MESSAGE_VALUES[name](open_message(run, message)))
    elif name == "CALLDATALOAD":
        message_value, words = extra(run, "calldataload")
        calldata = open_message(run, message_value).calldata
        if a[0] >= calldata.size:
            read_bytes(calldata.root, words, 0, 0)
            run.push(0)
        else:
            start = calldata.offset + a[0]
            run.push(int.from_bytes(read_source(calldata.root, words, start, calldata.offset + calldata.size, 32),
                                    "big"))
    elif name in BLOCK_VALUES:
        (block,) = extra(run, "block")
        block = block_from_abi(block)
        require(block.hash() == run.machine.block, "the block context does not open the commitment")
        run.push(BLOCK_VALUES[name](block))
    elif name == "BLOCKHASH":
        run.push(block_hash(run, a[0]))
    elif name in TX_VALUES or name == "BLOBHASH":
        run.push(tx_value(run, name, a))
    elif name == "SELFBALANCE":
        run.push(self_balance(run))
    elif name in STATE_OPS:
        verifier_state.execute(run, name, a)
    elif name == "CODESIZE":
        no_extra(run)
        run.push(run.code_size)
    elif name in ("MLOAD", "MSTORE", "MSTORE8"):
        memory_access(run, name, a)
    elif name in ("KECCAK256", "MCOPY", "CALLDATACOPY", "CODECOPY"):
        start_split(run, opcode, a)
        return
    else:
        raise WitnessError(f"{name} is not proven yet")
    run.pc += 1 + info.immediate


def block_hash(run: Run, number: int) -> int:
    """The hash of block ``number`` from the block context's ring of the last
    256 (``BlockContext.block_hashes``), or 0 outside them."""
    block_value, words = extra(run, "blockhash")
    block = block_from_abi(block_value)
    require(block.hash() == run.machine.block, "the block context does not open the commitment")
    if not block.number - 256 <= number < block.number:
        require(WordRange.from_abi(words) == WordRange(), "no block hash to reveal here")
        return 0
    leaf = WordRange.from_abi(words)
    require(leaf.first == number % 256 and len(leaf.words) == 1, "not the leaf of this block")
    require(range_root(BLOCK_HASHES_DEPTH, leaf.first, leaf.words, leaf.siblings) == block.block_hashes,
            "the block hash does not open the ring")
    return int.from_bytes(leaf.words[0], "big")


def tx_value(run: Run, name: str, a: list[int]) -> int:
    if name == "BLOBHASH":
        value, hashes = extra(run, "blobhash")
    else:
        (value,), hashes = extra(run, "tx"), None
    tx = tx_from_abi(value)
    require(tx.hash() == run.machine.tx, "the transaction context does not open the commitment")
    if hashes is None:
        return TX_VALUES[name](tx)
    require(TxContext.blob_hashes_commitment(tuple(hashes)) == tx.blob_hashes, "not the blob hashes")
    return int.from_bytes(hashes[a[0]], "big") if a[0] < len(hashes) else 0


def self_balance(run: Run) -> int:
    """The balance of the message's address, from an MPT proof of its account
    under the substate's state root (the account exists: it is running)."""
    message_value, substate_value, proof = extra(run, "selfbalance")
    message = open_message(run, message_value)
    substate = substate_from_abi(substate_value)
    require(substate.hash() == run.machine.substate, "the substate does not open the commitment")
    try:
        account = verify_proof(substate.state_root, message.address, proof, secure=True)
    except TrieProofError as exc:
        raise WitnessError(f"the account proof: {exc}") from None
    require(account is not None, "no proof of the running account")
    try:
        fields = rlp.decode(account)
    except Exception as exc:
        raise WitnessError(f"not an account: {exc}") from None
    require(isinstance(fields, list) and len(fields) == 4 and isinstance(fields[1], bytes), "not an account")
    return int.from_bytes(fields[1], "big")


def jump(run: Run, a: list[int]) -> None:
    destination = a[0]
    if len(a) == 2 and not a[1]:
        no_extra(run)
        run.pc += 1
        return
    if destination >= run.code_size:
        no_extra(run)
        raise Halt(HALT_EXCEPTIONAL)
    (reveal,) = extra(run, "jump")
    chunk = open_chunk(run, CodeReveal.from_abi(reveal), destination)
    if chunk.chunk[destination % 32] != OP["JUMPDEST"] or chunk.mask[destination % 32] != 1:
        raise Halt(HALT_EXCEPTIONAL)
    run.pc = destination


def halt(run: Run, name: str, a: list[int]) -> None:
    no_extra(run)
    if name == "STOP":
        raise Halt(HALT_SUCCESS)
    if name == "INVALID":
        raise Halt(HALT_EXCEPTIONAL)
    expand(run, a[0], a[1])
    output = ByteView(run.memory, a[0], a[1]) if a[1] else EMPTY_VIEW
    raise Halt(HALT_SUCCESS if name == "RETURN" else HALT_REVERT, output)


def memory_access(run: Run, name: str, a: list[int]) -> None:
    size = 1 if name == "MSTORE8" else 32
    expand(run, a[0], size)
    (words,) = extra(run, "memory")
    if name == "MLOAD":
        run.push(int.from_bytes(read_bytes(run.memory, words, a[0], 32), "big"))
    elif name == "MSTORE":
        write_bytes(run, words, a[0], a[1].to_bytes(32, "big"))
    else:
        write_bytes(run, words, a[0], bytes((a[1] & 0xFF,)))


# -- instructions in parts -------------------------------------------------------------


def start_split(run: Run, opcode: int, a: list[int]) -> None:
    """KECCAK256 or a copy: check and charge everything, then do the first part."""
    size = a[-1]
    if opcode == OP["KECCAK256"]:
        run.charge(KECCAK256_WORD * ((size + 31) // 32))
        expand(run, a[0], size)
        record = Pending(opcode, 0, a[0], size, 0)
    else:
        if size:
            run.charge(COPY_WORD * ((size + 31) // 32))
        dest = a[0]
        expand(run, max(dest, a[1]) if opcode == OP["MCOPY"] else dest, size)
        record = Pending(opcode, dest, a[1], size, 0)
    if not size:
        no_extra(run)
        if opcode == OP["KECCAK256"]:
            run.push(int.from_bytes(keccak256(b""), "big"))
        run.pc += 1
        return
    part(run, record, first=True)


def pending_record(run: Run) -> Pending:
    """The pending record at the head of a continued step's ``extra``, checked."""
    (value, *_) = decode_head(run)
    record = pending_from_abi(value)
    require(record.hash() == run.pending, "the pending record does not open the commitment")
    return record


def decode_head(run: Run) -> tuple:
    """The pending record at the head of a continued step's ``extra`` (8 static words)."""
    try:
        return decode_extra([PENDING], run.witness.extra[:256])
    except Exception as exc:
        raise WitnessError(f"malformed pending record: {exc}") from None


def part(run: Run, record: Pending, first: bool) -> None:
    if record.opcode == OP["KECCAK256"]:
        keccak_part(run, record, first)
    elif record.opcode in (OP["MCOPY"], OP["CALLDATACOPY"], OP["CODECOPY"], OP["RETURNDATACOPY"]):
        copy_part(run, record, first)
    else:
        raise WitnessError("no such pending instruction")


def finish(run: Run, *results: int) -> None:
    run.pending = ZERO_WORD
    run.push(*results)
    run.pc += 1


def keccak_part(run: Run, record: Pending, first: bool) -> None:
    size, done = record.size, record.done
    single = first and sponge.block_count(size) <= KECCAK_ONE_STEP_BLOCKS
    if single:
        (words,) = extra(run, "keccak")
        finish(run, int.from_bytes(keccak256(read_bytes(run.memory, words, record.src, size)), "big"))
        return
    if first:
        (words,) = extra(run, "keccak")
        lanes = sponge.fresh()
    else:
        _, lanes, words = extra(run, "keccak-continue")
        lanes = list(lanes)
        require(sponge.state_commitment(lanes) == record.sponge, "the sponge state does not open the record")
    last = sponge.block_count(size - done) <= KECCAK_BLOCKS_PER_PART
    end = size if last else done + KECCAK_PART_BYTES
    data = read_bytes(run.memory, words, record.src + done, end - done)
    blocks = sponge.padded(data) if last else data
    for i in range(0, len(blocks), sponge.RATE):
        sponge.absorb_block(lanes, blocks[i:i + sponge.RATE])
    if last:
        finish(run, int.from_bytes(sponge.digest(lanes), "big"))
    else:
        run.pending = Pending(record.opcode, 0, record.src, size, end, sponge=sponge.state_commitment(lanes)).hash()


def copy_part(run: Run, record: Pending, first: bool, opened: tuple | None = None) -> None:
    """One part of a copy; ``opened``: the first part's (source, destination)
    ranges when its instruction has decoded them already (RETURNDATACOPY)."""
    opcode = record.opcode
    name = {OP["MCOPY"]: "mcopy", OP["CALLDATACOPY"]: "calldatacopy", OP["CODECOPY"]: "codecopy",
            OP["RETURNDATACOPY"]: "returndatacopy"}[opcode]
    if opened is not None:
        values = opened
    elif first:
        values = extra(run, name)
        if opcode == OP["CALLDATACOPY"]:
            calldata = open_message(run, values[0]).calldata
            offset = calldata.offset + min(record.src, calldata.size)
            record = Pending(opcode, record.dest, offset, record.size, 0, calldata.root,
                             calldata.offset + calldata.size)
            values = values[1:]
        elif opcode == OP["CODECOPY"]:
            record = Pending(opcode, record.dest, min(record.src, run.code_size), record.size, 0, run.code_root,
                             run.code_size)
    else:
        values = extra(run, name + "-continue")[1:]
    source, dest = values
    size, done = record.size, record.done
    backward = opcode == OP["MCOPY"] and record.dest > record.src
    if backward:
        hi = size - done
        lo = max(hi - COPY_BYTES_PER_STEP, 0)
    else:
        lo = done
        hi = min(done + COPY_BYTES_PER_STEP, size)
    if opcode == OP["MCOPY"]:
        data = read_bytes(run.memory, source, record.src + lo, hi - lo)
    elif opcode in (OP["CALLDATACOPY"], OP["RETURNDATACOPY"]):
        data = read_source(record.src_root, source, record.src + lo, record.src_end, hi - lo)
    else:
        data = open_code(run, CodeReveal.from_abi(source), record.src + lo, record.src + hi)
    write_bytes(run, dest, record.dest + lo, data)
    done += hi - lo
    if done == size:
        finish(run)
    else:
        run.pending = Pending(opcode, record.dest, record.src, size, done, record.src_root, record.src_end,
                              record.sponge).hash()
