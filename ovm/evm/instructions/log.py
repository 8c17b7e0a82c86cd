"""
LOG0 … LOG4
===========
"""

from ...state import Log
from ..exceptions import OutOfGas, WriteInStaticContext
from ..gas import LOG_DATA_BYTE
from ..memory import expand


def make_log(topic_count: int):
    def log(f):
        s = f.stack
        offset = s.pop()
        size = s.pop()
        topics = tuple(s.pop().to_bytes(32, "big") for _ in range(topic_count))
        gas = f.gas - LOG_DATA_BYTE * size
        if gas < 0:
            raise OutOfGas
        f.gas = gas
        expand(f, offset, size)
        if f.is_static:
            raise WriteInStaticContext
        data = bytes(f.memory[offset : offset + size]) if size else b""
        f.state.add_log(Log(f.address, topics, data))

    log.__name__ = f"log{topic_count}"
    return log
