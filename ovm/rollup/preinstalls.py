"""
Preinstalls
===========

Third-party contracts every L2 genesis holds at their usual addresses, as the
OP Stack's "preinstalls" (its ``specs/protocol/preinstalls.md`` and its
contracts' ``Preinstalls.sol``): Multicall3, Arachnid's deterministic
deployment proxy (the CREATE2 deployer that Foundry's ``new C{salt: …}`` uses),
create2deployer, CreateX, the Safe singleton factory, Safe v1.3.0 (Safe, SafeL2,
MultiSend, MultiSendCallOnly), Permit2, and the ERC-4337 EntryPoint with its
SenderCreator in v0.6 and v0.7.

Each address is what it is because of the code behind it (a CREATE2 address
hashes the init code; a keyless or pre-signed deployment transaction fixes the
deployer and its nonce), so the code cannot be rebuilt from source here: a
different compiler run would give different bytes, and tools that check a code
hash (Safe's, bundlers') would refuse it. The runtime code is therefore data,
``preinstalls.json`` beside this file, taken from the OP Stack (the ``source``
field says where); ``tests/rollup/test_preinstalls.py`` checks each one's
keccak256 against the code hash published for it on Ethereum mainnet.

Permit2 keeps its EIP-712 chain id and domain separator as immutables inside
its runtime code, so its code depends on the chain: the data holds mainnet's
(chain id 1), and ``preinstalls(chain_id)`` writes the chain's own two words in,
as a deployment on that chain would have (``Preinstalls.getPermit2Code``).

Every preinstall starts with nonce 1, as a contract created by a transaction
does (EIP-161), and no storage or balance. The EIP-4788 beacon-roots and
EIP-2935 history contracts, which the OP Stack lists beside these, are system
contracts of the fork rules and not placed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..chain.genesis import GenesisAccount
from ..primitives.crypto import keccak256
from ..primitives.types import hex_to_address, hex_to_bytes

DATA_FILE = Path(__file__).resolve().parent / "preinstalls.json"

PERMIT2_CHAIN_ID_OFFSET = 6945
"""Where Permit2's runtime code holds its ``_CACHED_CHAIN_ID`` (a 32-byte word)."""
PERMIT2_DOMAIN_SEPARATOR_OFFSET = 6983
"""Where Permit2's runtime code holds its ``_CACHED_DOMAIN_SEPARATOR``."""
PERMIT2_TEMPLATE_CHAIN_ID = 1
EIP712_DOMAIN_TYPEHASH = keccak256(b"EIP712Domain(string name,uint256 chainId,address verifyingContract)")


@dataclass(frozen=True)
class Preinstall:
    """One preinstalled contract: its name, address and runtime code."""

    name: str
    address: bytes
    code: bytes


@cache
def _data() -> dict[str, Preinstall]:
    """The preinstalls as the data file has them (Permit2 for chain id 1)."""
    entries = json.loads(DATA_FILE.read_text())["preinstalls"]
    return {
        name: Preinstall(name, hex_to_address(entry["address"]), hex_to_bytes(entry["code"]))
        for name, entry in entries.items()
    }


def names() -> list[str]:
    """The names of the preinstalls, in the data file's order."""
    return list(_data())


def address(name: str) -> bytes:
    """The address of preinstall ``name`` (e.g. ``"Multicall3"``)."""
    try:
        return _data()[name].address
    except KeyError:
        raise KeyError(f"no preinstall named {name!r} (have: {', '.join(names())})") from None


def permit2_domain_separator(chain_id: int) -> bytes:
    """Permit2's EIP-712 domain separator on chain ``chain_id``."""
    words = (
        EIP712_DOMAIN_TYPEHASH,
        keccak256(b"Permit2"),
        chain_id.to_bytes(32, "big"),
        address("Permit2").rjust(32, b"\x00"),
    )
    return keccak256(b"".join(words))


def _word(code: bytes, offset: int) -> bytes:
    return code[offset : offset + 32]


def permit2_code(chain_id: int) -> bytes:
    """Permit2's runtime code as a deployment on chain ``chain_id`` leaves it."""
    if not 0 < chain_id < 2**256:
        raise ValueError(f"chain id out of range: {chain_id}")
    template = _data()["Permit2"].code
    expected = (
        (PERMIT2_CHAIN_ID_OFFSET, PERMIT2_TEMPLATE_CHAIN_ID.to_bytes(32, "big")),
        (PERMIT2_DOMAIN_SEPARATOR_OFFSET, permit2_domain_separator(PERMIT2_TEMPLATE_CHAIN_ID)),
    )
    for offset, word in expected:
        if _word(template, offset) != word:
            raise ValueError(f"Permit2 template: unexpected word at offset {offset}")
    code = bytearray(template)
    code[PERMIT2_CHAIN_ID_OFFSET : PERMIT2_CHAIN_ID_OFFSET + 32] = chain_id.to_bytes(32, "big")
    code[PERMIT2_DOMAIN_SEPARATOR_OFFSET : PERMIT2_DOMAIN_SEPARATOR_OFFSET + 32] = permit2_domain_separator(chain_id)
    return bytes(code)


def preinstalls(chain_id: int) -> tuple[Preinstall, ...]:
    """The preinstalls of a chain with id ``chain_id``."""
    return tuple(
        Preinstall(entry.name, entry.address, permit2_code(chain_id)) if entry.name == "Permit2" else entry
        for entry in _data().values()
    )


def preinstall_alloc(chain_id: int) -> dict[bytes, GenesisAccount]:
    """The preinstalls as genesis ``alloc`` entries: code, nonce 1."""
    return {entry.address: GenesisAccount(nonce=1, code=entry.code) for entry in preinstalls(chain_id)}
