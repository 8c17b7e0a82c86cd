"""
System contracts
================

The contracts the protocol calls at fixed points of a block
(``ovm.chain.system_call``), at their canonical addresses with their
canonical runtime code, as the EIPs publish them:

- beacon roots (EIP-4788, from Cancun): at the start of a block, stores the
  header's parent beacon block root under the block's timestamp (a ring of
  8191 entries) and answers ``get(timestamp)``;
- block-hash history (EIP-2935, from Prague): at the start of a block,
  stores the parent's hash in slot ``(number - 1) % 8191`` and answers
  ``get(number)`` for the last 8191 blocks (BLOCKHASH itself still reads 256);
- withdrawal requests (EIP-7002, from Prague) and consolidation requests
  (EIP-7251, from Prague): anyone queues a request (paying a fee that
  rises with demand, as EIP-1559's base fee does); at the end of a block the
  system call dequeues at most 16 (resp. 2) of them and returns them, and
  they become the block's requests of type 0x01 (resp. 0x02, EIP-7685).

Each EIP deployed its contract with a keyless transaction ("Nick's method":
a chosen signature whose sender nobody holds the key of), so the address is
bound to the code; ``tests/chain/test_system_contracts.py`` derives each
address again from the code and the EIP's signature. Ethereum got them by
those transactions; a dev chain that starts at a fork has them in its
genesis (``ovm.chain.forks``, ``ChainFork.system_contracts``), with nonce 1
as a deployed contract has, as geth's dev mode does. The queues start with
their excess at 0 there, where the deployment transaction leaves it at
``2**256 - 1`` (the "inhibitor" that the first system call clears): the
only difference is that no request can be queued before the fork's first
block on a chain deployed by transaction.
"""

from __future__ import annotations

from dataclasses import dataclass


# The queue contracts' constructors store the excess inhibitor (2**256 - 1) in slot 0 first.
EXCESS_INHIBITOR_STORE = "7f" + "ff" * 32 + "5f55"


@dataclass(frozen=True, slots=True)
class SystemContract:
    """``config_name`` is its name in ``eth_config`` (EIP-7910)."""

    name: str
    address: bytes
    code: bytes
    config_name: str
    deployer: bytes  # the sender of the EIP's keyless deployment (nonce 0)
    constructor: bytes  # the init code before ``code`` in that deployment

    @property
    def init_code(self) -> bytes:
        return self.constructor + self.code


BEACON_ROOTS = SystemContract(
    "beacon roots (EIP-4788)",
    bytes.fromhex("000f3df6d732807ef1319fb7b8bb8522d0beac02"),
    bytes.fromhex(
        "3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f358015604957"
        "62001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f"
        "359062001fff015500"
    ),
    "BEACON_ROOTS_ADDRESS",
    bytes.fromhex("0b799c86a49deeb90402691f1041aa3af2d3c875"),
    bytes.fromhex("60618060095f395ff3"),
)

HISTORY_STORAGE = SystemContract(
    "block-hash history (EIP-2935)",
    bytes.fromhex("0000f90827f1c53a10cb7a02335b175320002935"),
    bytes.fromhex(
        "3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257"
        "611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500"
    ),
    "HISTORY_STORAGE_ADDRESS",
    bytes.fromhex("3462413af4609098e1e27a490f554f260213d685"),
    bytes.fromhex("60538060095f395ff3"),
)

WITHDRAWAL_REQUESTS = SystemContract(
    "withdrawal requests (EIP-7002)",
    bytes.fromhex("00000961ef480eb55e80d19ad83579a64c007002"),
    bytes.fromhex(
        "3373fffffffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffff"
        "ffffffffffffffffffffffffffffffffffffffff146101f457600182026001905f5b5f821115606857810190"
        "83028483029004916001019190604d565b909390049250505036603814608857366101f457346101f4575f52"
        "60205ff35b34106101f457600154600101600155600354806003026004013381556001015f35815560010160"
        "203590553360601b5f5260385f601437604c5fa0600101600355005b6003546002548082038060101160df57"
        "5060105b5f5b8181146101835782810160030260040181604c02815460601b81526014018160010154815260"
        "20019060020154807fffffffffffffffffffffffffffffffff00000000000000000000000000000000168252"
        "906010019060401c908160381c81600701538160301c81600601538160281c81600501538160201c81600401"
        "538160181c81600301538160101c81600201538160081c81600101535360010160e1565b9101809214610195"
        "57906002556101a0565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffff"
        "ffffffffffffffffffffffffff14156101cd57505f5b6001546002828201116101e25750505f6101e8565b01"
        "600290035b5f555f600155604c025ff35b5f5ffd"
    ),
    "WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS",
    bytes.fromhex("8646861a7cf453ddd086874d622b0696de5b9674"),
    bytes.fromhex(EXCESS_INHIBITOR_STORE + "6101f880602d5f395ff3"),
)

CONSOLIDATION_REQUESTS = SystemContract(
    "consolidation requests (EIP-7251)",
    bytes.fromhex("0000bbddc7ce488642fb579f8b00f3a590007251"),
    bytes.fromhex(
        "3373fffffffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffff"
        "ffffffffffffffffffffffffffffffffffffffff1461019a57600182026001905f5b5f821115606857810190"
        "83028483029004916001019190604d565b9093900492505050366060146088573661019a573461019a575f52"
        "60205ff35b341061019a57600154600101600155600354806004026004013381556001015f35815560010160"
        "2035815560010160403590553360601b5f5260605f60143760745fa0600101600355005b6003546002548082"
        "038060021160e7575060025b5f5b8181146101295782810160040260040181607402815460601b8152601401"
        "81600101548152602001816002015481526020019060030154905260010160e9565b910180921461013b5790"
        "600255610146565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffff"
        "ffffffffffffffffffffff141561017357505f5b6001546001828201116101885750505f61018e565b016001"
        "90035b5f555f6001556074025ff35b5f5ffd"
    ),
    "CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS",
    bytes.fromhex("13d1913d623e6a9d8811736359e50fd31fe54fca"),
    bytes.fromhex(EXCESS_INHIBITOR_STORE + "61019e80602d5f395ff3"),
)
