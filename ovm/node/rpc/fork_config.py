"""
``eth_config``
==============

EIP-7910: the configuration of the fork the head runs (``current``), of the
next scheduled one (``next``) and of the last (``last``; both ``null`` when
nothing is scheduled after the head), so that operators can check before a
fork that their nodes agree. Each is the fork's activation time, blob
schedule, chain id, fork id (EIP-6122's CRC32 of the genesis hash and the
activation times so far), precompiles and system contracts by their EIP-7910
names, keys in alphabetical order.
"""

from __future__ import annotations

from ...chain import ChainFork
from ...chain.forks import fork_id
from ..chain import Blockchain

# EIP-7910's names of the precompiles, by address.
PRECOMPILE_NAMES = {
    0x01: "ECREC", 0x02: "SHA256", 0x03: "RIPEMD160", 0x04: "ID", 0x05: "MODEXP",
    0x06: "BN254_ADD", 0x07: "BN254_MUL", 0x08: "BN254_PAIRING", 0x09: "BLAKE2F",
    0x0A: "KZG_POINT_EVALUATION", 0x0B: "BLS12_G1ADD", 0x0C: "BLS12_G1MSM", 0x0D: "BLS12_G2ADD",
    0x0E: "BLS12_G2MSM", 0x0F: "BLS12_PAIRING_CHECK", 0x10: "BLS12_MAP_FP_TO_G1",
    0x11: "BLS12_MAP_FP2_TO_G2", 0x100: "P256VERIFY",
}  # fmt: skip


def _address(raw: bytes) -> str:
    return "0x" + raw.hex()


def fork_json(chain: Blockchain, time: int, row: ChainFork) -> dict:
    """One configuration object of EIP-7910, for ``row`` activated at ``time``."""
    blobs = row.fork.blobs
    precompiles = {PRECOMPILE_NAMES[int.from_bytes(a, "big")]: _address(a) for a in row.fork.precompiles}
    contracts = row.block.contract_addresses(chain.config.deposit_contract)
    genesis = chain.block(0).header
    return {
        "activationTime": time,
        "blobSchedule": {"baseFeeUpdateFraction": blobs.update_fraction, "max": blobs.max, "target": blobs.target},
        "chainId": hex(chain.chain_id),
        "forkId": "0x" + fork_id(chain.genesis_hash, genesis.timestamp, chain.config.forks, time).hex(),
        "precompiles": {name: precompiles[name] for name in sorted(precompiles)},
        "systemContracts": {name: _address(contracts[name]) for name in sorted(contracts)},
    }


def eth_config(chain: Blockchain) -> dict:
    """``eth_config``'s answer at the head."""
    forks, head_time = chain.config.forks, chain.head.header.timestamp
    current_time = max(time for time, _ in forks.activations if time <= head_time)
    upcoming = forks.next_after(head_time)
    last = forks.activations[-1]
    return {
        "current": fork_json(chain, current_time, forks.at(head_time)),
        "next": None if upcoming is None else fork_json(chain, *upcoming),
        "last": None if upcoming is None else fork_json(chain, *last),
    }
