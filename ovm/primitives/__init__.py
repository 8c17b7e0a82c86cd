"""Primitives: byte/int/address types, RLP, keccak and secp256k1, one home each."""
