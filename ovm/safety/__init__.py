"""
Safety checker
==============

What the sequencer lets in: transaction admission (``admission``), the chain's
rules for deployed code (``bytecode_policy``) and the addresses that belong to
the rollup itself (``system_addresses``).
"""

from ..evm.l2 import DEPOSITOR_ACCOUNT
from .admission import (
    L1_TRANSACTION_TYPES,
    L2_TRANSACTION_TYPES,
    MAX_NONCE_GAP,
    MAX_TX_SIZE,
    AdmissionError,
    Admitted,
    admit,
)
from .bytecode_policy import (
    DEFAULT_DEPLOYMENT_POLICY,
    OVM1_RULES,
    OVM1_SAFE_BYTECODE,
    AllOf,
    DeployerAllowList,
    DeploymentPolicy,
    OpcodeDenyList,
    PredeployGuard,
    SafeBytecode,
    SafeBytecodeRules,
    chain_deployment_policy,
    reachable_instructions,
    with_deployment_policy,
)
from .system_addresses import (
    PREDEPLOY_COUNT,
    PREDEPLOY_NAMESPACE,
    SYSTEM_SENDERS,
    is_predeploy,
    is_system_sender,
)

__all__ = [
    "DEFAULT_DEPLOYMENT_POLICY",
    "DEPOSITOR_ACCOUNT",
    "L1_TRANSACTION_TYPES",
    "L2_TRANSACTION_TYPES",
    "MAX_NONCE_GAP",
    "MAX_TX_SIZE",
    "OVM1_RULES",
    "OVM1_SAFE_BYTECODE",
    "PREDEPLOY_COUNT",
    "PREDEPLOY_NAMESPACE",
    "SYSTEM_SENDERS",
    "AdmissionError",
    "Admitted",
    "AllOf",
    "DeployerAllowList",
    "DeploymentPolicy",
    "OpcodeDenyList",
    "PredeployGuard",
    "SafeBytecode",
    "SafeBytecodeRules",
    "admit",
    "chain_deployment_policy",
    "is_predeploy",
    "is_system_sender",
    "reachable_instructions",
    "with_deployment_policy",
]
