"""ecrecover (0x01): go-ethereum's published vectors plus range and v checks."""

from __future__ import annotations

import pytest

from ovm.evm.precompiles import CANCUN_PRECOMPILES
from ovm.primitives.crypto import SECP256K1_N, private_key_to_address, sign

ECRECOVER = CANCUN_PRECOMPILES[(1).to_bytes(20, "big")]

# go-ethereum core/vm/testdata/precompiles/ecRecover.json
VALID = bytes.fromhex(
    "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"
    "000000000000000000000000000000000000000000000000000000000000001c"
    "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f"
    "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549"
)
VALID_SIGNER = "000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b"
UNRECOVERABLE = bytes.fromhex(
    "a8b53bdf3306a35a7103ab5504a0c9b492295564b6202b1942a84ef300107281"
    "000000000000000000000000000000000000000000000000000000000000001b"
    "3078356531653033663533636531386237373263636230303933666637316633"
    "6635336635633735623734646362333161383561613862383839326234653862"
    "1122334455667788991011121314151617181920212223242526272829303132"
)


def with_word(data: bytes, index: int, value: int) -> bytes:
    return data[: 32 * index] + value.to_bytes(32, "big") + data[32 * (index + 1) :]


def test_valid_signature_recovers_the_signer() -> None:
    assert ECRECOVER.run(VALID).hex() == VALID_SIGNER
    assert ECRECOVER.gas(VALID) == 3000


def test_unrecoverable_key_gives_empty_output() -> None:
    assert ECRECOVER.run(UNRECOVERABLE) == b""


@pytest.mark.parametrize(
    "v_word",
    [
        "100000000000000000000000000000000000000000000000000000000000001c",
        "000000000000000000000000000000000000001000000000000000000000001c",
        "000000000000000000000000000000000000001000000000000000000000011c",
    ],
    ids=["high-v-bits-1", "high-v-bits-2", "high-v-bits-3"],
)
def test_v_must_be_27_or_28_as_a_whole_word(v_word: str) -> None:
    data = VALID[:32] + bytes.fromhex(v_word) + VALID[64:]
    assert ECRECOVER.run(data) == b""


@pytest.mark.parametrize("v", [0, 1, 26, 29, 27 + 256])
def test_other_v_values_give_empty_output(v: int) -> None:
    assert ECRECOVER.run(with_word(VALID, 1, v)) == b""


@pytest.mark.parametrize(
    "index,value",
    [(2, 0), (3, 0), (2, SECP256K1_N), (3, SECP256K1_N), (3, 2**256 - 1)],
    ids=["r=0", "s=0", "r=n", "s=n", "s=max"],
)
def test_r_and_s_out_of_range_give_empty_output(index: int, value: int) -> None:
    assert ECRECOVER.run(with_word(VALID, index, value)) == b""


def test_high_s_is_accepted() -> None:
    key = bytes(range(1, 33))
    msg_hash = bytes(range(100, 132))
    y_parity, r, s = sign(msg_hash, key)
    high_s, flipped_v = SECP256K1_N - s, 27 + (1 - y_parity)
    data = msg_hash + flipped_v.to_bytes(32, "big") + r.to_bytes(32, "big")
    data += high_s.to_bytes(32, "big")
    assert ECRECOVER.run(data) == bytes(12) + private_key_to_address(key)


def test_long_input_is_truncated_to_128_bytes() -> None:
    assert ECRECOVER.run(VALID + b"\xff" * 40).hex() == VALID_SIGNER


def test_short_input_is_zero_padded() -> None:
    assert ECRECOVER.run(VALID[:96]) == b""  # s reads as 0


def test_empty_input_gives_empty_output() -> None:
    assert ECRECOVER.run(b"") == b""
