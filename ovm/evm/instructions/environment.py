"""
Environment instructions
========================

What a frame can learn about its message, its code, other accounts and the
transaction. Account queries pay the cold-access surcharge on first touch
(EIP-2929); copies pay per word plus memory growth.
"""

from ..exceptions import OutOfGas, ReturnDataOutOfBounds
from ..gas import COLD_ACCOUNT_ACCESS, COPY_WORD, WARM_ACCESS
from ..memory import charge, expand

ADDRESS_MASK = (1 << 160) - 1
COLD_SURCHARGE = COLD_ACCOUNT_ACCESS - WARM_ACCESS


def word_to_address(value: int) -> bytes:
    return (value & ADDRESS_MASK).to_bytes(20, "big")


def access_account(f, address: bytes) -> None:
    """Charge the cold surcharge unless ``address`` is already warm (the static
    part, the warm cost, was charged by the interpreter)."""
    if not f.state.warm_address(address):
        charge(f, COLD_SURCHARGE)


def copy_to_memory(f, memory_offset: int, source: bytes, source_offset: int, size: int) -> None:
    """Copy ``source[source_offset:][:size]`` to memory, zero-filling past its end."""
    if not size:
        return
    gas = f.gas - COPY_WORD * ((size + 31) >> 5)
    if gas < 0:
        raise OutOfGas
    f.gas = gas
    expand(f, memory_offset, size)
    chunk = source[source_offset : source_offset + size]
    if len(chunk) < size:
        chunk = bytes(chunk) + bytes(size - len(chunk))
    f.memory[memory_offset : memory_offset + size] = chunk



def balance(f):
    s = f.stack
    target = word_to_address(s[-1])
    access_account(f, target)
    s[-1] = f.state.get_balance(target)





def calldata_word(f, offset: int) -> int:
    chunk = f.data[offset : offset + 32]
    if len(chunk) < 32:
        chunk = chunk + bytes(32 - len(chunk))
    return int.from_bytes(chunk, "big")


def calldataload(f):
    s = f.stack
    s[-1] = calldata_word(f, s[-1])



def calldatacopy(f):
    s = f.stack
    memory_offset = s.pop()
    data_offset = s.pop()
    size = s.pop()
    copy_to_memory(f, memory_offset, f.data, data_offset, size)



def codecopy(f):
    s = f.stack
    memory_offset = s.pop()
    code_offset = s.pop()
    size = s.pop()
    copy_to_memory(f, memory_offset, f.bytecode, code_offset, size)



def extcodesize(f):
    s = f.stack
    target = word_to_address(s[-1])
    access_account(f, target)
    s[-1] = len(f.state.get_code(target))


def extcodecopy(f):
    s = f.stack
    target = word_to_address(s.pop())
    memory_offset = s.pop()
    code_offset = s.pop()
    size = s.pop()
    access_account(f, target)
    copy_to_memory(f, memory_offset, f.state.get_code(target), code_offset, size)



def returndatacopy(f):
    s = f.stack
    memory_offset = s.pop()
    data_offset = s.pop()
    size = s.pop()
    if data_offset + size > len(f.return_data):
        raise ReturnDataOutOfBounds
    copy_to_memory(f, memory_offset, f.return_data, data_offset, size)


def extcodehash(f):
    s = f.stack
    target = word_to_address(s[-1])
    access_account(f, target)
    account = f.state.get_account(target)
    if account is None or account.is_empty():
        s[-1] = 0
    else:
        s[-1] = int.from_bytes(account.code_hash, "big")
