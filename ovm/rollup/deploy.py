"""
Deploying the rollup's L1 contracts
===================================

``deploy_rollup`` creates the L1 side of a rollup from the shipped artifacts,
in the order ``contracts/README.md`` gives: the ``StateCommitmentChain``
(``proposer, challenger, challengePeriod, requiredBond, l2GenesisTimestamp,
maxSequencerDrift, l2BlockTime, submissionInterval``), the ``L1Bridge`` (``stateCommitmentChain``) and the
``BatchInbox`` (``batcher``), at three consecutive nonces of the deployer,
sent together so that they can share an L1 block: the bridge is given the
state commitment chain's address computed in advance (the CREATE address of
the deployer and its nonce), and the receipts confirm it. It returns their
addresses once all three are mined.

Every role is a constructor argument: the contracts have no setters, so once
deployed nobody (the deployer included) can change who proposes, batches or
challenges. The genesis timestamp and sequencer drift are the rollup
config's (``RollupConfig.l2_genesis.timestamp``, ``max_sequencer_drift``):
they bound the L2 block numbers an output may claim. The L2 block time and
proposal interval (the config's ``l2_block_time``, ``proposal_interval``)
are only read by tools (viem's OP Stack actions, as the L2OutputOracle's
``L2_BLOCK_TIME`` and ``SUBMISSION_INTERVAL``) to tell when an output comes. What comes after is
the proposer's: it bonds itself (``depositBond``) before its first output.

With ``game`` (a ``GameParameters``), the challenger is the dispute game
(``DisputeGame``, ``docs/fraud-proofs.md`` "The dispute game"): first the
fraud-proof contracts it stands on (``CodeOracle``, the step executors, the
``OneStepVerifier`` and the block trace, today ``FrameBlockTrace``), then the
three above, then the game at the nonce after them, whose address the
state commitment chain was given in advance (``challenger`` must then be left
out). ``dispute_game(client, contracts)`` finds it again: it is the state
commitment chain's ``challenger``.

Each failure is a ``DeploymentError`` naming the contract whose deployment
failed, with the node's reason (no funds, a revert, no answer). A failed run
leaves what it already deployed on L1; deploying again starts afresh.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import astuple, dataclass
from typing import Iterator

from ..evm.instructions.system import create_address
from ..primitives.crypto import private_key_to_address
from .artifacts import load
from .config import L2_BLOCK_TIME, MAX_SEQUENCER_DRIFT, PROPOSAL_INTERVAL, RollupContracts
from .l1.client import L1Client
from .l1.data import L1Error
from .l1.txmanager import DEFAULT_RECEIPT_TIMEOUT
from .l1.contract import Contract, deployed, send_deployment


NO_CHALLENGER = bytes(20)
# The one-step verifier's executor contracts, in the order its constructor takes them.
VERIFIER_EXECUTORS = ("StepsCore", "StepsMemory", "StepsState", "StepsLog", "StepsCall")
FRAUD_PROOF_CONTRACTS = ("CodeOracle", *VERIFIER_EXECUTORS, "OneStepVerifier", "FrameBlockTrace")


@dataclass(frozen=True)
class GameParameters:
    """``DisputeGame.Config``: segments per bisection, the length of a block's step range,
    each side's clock (seconds), the bonds (wei), and the output both sides accept first."""

    degree: int
    max_steps: int
    clock: int
    challenge_bond: int
    move_bond: int
    step_bond: int
    anchor_root: bytes
    anchor_block: int


class DeploymentError(L1Error):
    """Deploying one of the rollup's contracts failed."""


@contextmanager
def _deploying(name: str) -> Iterator[None]:
    try:
        yield
    except L1Error as exc:
        raise DeploymentError(f"deploying {name}: {exc}", code=exc.code, data=exc.data) from None


def _check_arguments(
    batcher: bytes, proposer: bytes, challenger: bytes, challenge_period: int, bond: int,
    l2_genesis_timestamp: int, max_sequencer_drift: int, l2_block_time: int, proposal_interval: int,
) -> None:  # fmt: skip
    for name, address in (("batcher", batcher), ("proposer", proposer), ("challenger", challenger)):
        if len(address) != 20:
            raise ValueError(f"{name}: an address is 20 bytes, got {len(address)}")
    if challenge_period < 0:
        raise ValueError(f"challenge period must not be negative, got {challenge_period}")
    if bond < 0:
        raise ValueError(f"bond must not be negative, got {bond}")
    if l2_genesis_timestamp < 0:
        raise ValueError(f"L2 genesis timestamp must not be negative, got {l2_genesis_timestamp}")
    if max_sequencer_drift < 1:
        raise ValueError(f"max sequencer drift must be positive, got {max_sequencer_drift}")
    if l2_block_time < 1:
        raise ValueError(f"L2 block time must be positive, got {l2_block_time}")
    if proposal_interval < 1:
        raise ValueError(f"proposal interval must be positive, got {proposal_interval}")


def deploy_rollup(
    client: L1Client,
    deployer_key: bytes,
    *,
    batcher: bytes,
    proposer: bytes,
    challenge_period: int,
    bond: int,
    l2_genesis_timestamp: int,
    max_sequencer_drift: int = MAX_SEQUENCER_DRIFT,
    challenger: bytes = NO_CHALLENGER,
    l2_block_time: int = L2_BLOCK_TIME,
    proposal_interval: int = PROPOSAL_INTERVAL,
    game: GameParameters | None = None,
    timeout: float = DEFAULT_RECEIPT_TIMEOUT,
) -> RollupContracts:
    """Deploy the StateCommitmentChain, L1Bridge and BatchInbox from ``deployer_key``'s
    account; ``challenge_period`` is in seconds, ``bond`` in wei (the proposer's
    required bond); ``challenger`` may delete outputs (none by default), or, with
    ``game``, the dispute game deployed with them. ``timeout`` bounds the wait for
    each receipt."""
    _check_arguments(batcher, proposer, challenger, challenge_period, bond, l2_genesis_timestamp,
                     max_sequencer_drift, l2_block_time, proposal_interval)  # fmt: skip
    if game is not None and challenger != NO_CHALLENGER:
        raise ValueError("with a dispute game, the game is the challenger: give no challenger")
    scc_artifact, bridge_artifact, inbox_artifact = (
        load("StateCommitmentChain"), load("L1Bridge"), load("BatchInbox")
    )
    deployer = private_key_to_address(deployer_key)
    block_trace = _deploy_fraud_proofs(client, deployer_key, timeout) if game is not None else None
    with _deploying("StateCommitmentChain"):
        nonce = client.transaction_count(deployer, "pending")
        client.txs.forget_nonce(deployer)  # the nonces are given here; the client re-reads them afterwards
        scc_address = create_address(deployer, nonce)
        if game is not None:
            challenger = create_address(deployer, nonce + 3)
        scc_tx = send_deployment(client, deployer_key, scc_artifact, proposer, challenger, challenge_period, bond,
                                 l2_genesis_timestamp, max_sequencer_drift, l2_block_time, proposal_interval,
                                 nonce=nonce)  # fmt: skip
    with _deploying("L1Bridge"):
        bridge_tx = send_deployment(client, deployer_key, bridge_artifact, scc_address, nonce=nonce + 1)
    with _deploying("BatchInbox"):
        inbox_tx = send_deployment(client, deployer_key, inbox_artifact, batcher, nonce=nonce + 2)
    with _deploying("StateCommitmentChain"):
        scc = deployed(client, scc_artifact, scc_tx, timeout)
        if scc.address != scc_address:
            raise DeploymentError(f"the contract was created at 0x{scc.address.hex()}, not at the expected "
                                  f"0x{scc_address.hex()}: was the deployer's key used elsewhere meanwhile?")
    with _deploying("L1Bridge"):
        bridge = deployed(client, bridge_artifact, bridge_tx, timeout)
    with _deploying("BatchInbox"):
        inbox = deployed(client, inbox_artifact, inbox_tx, timeout)
    if game is not None:
        with _deploying("DisputeGame"):
            created = deployed(client, load("DisputeGame"), send_deployment(
                client, deployer_key, load("DisputeGame"), scc_address, block_trace, astuple(game), nonce=nonce + 3,
            ), timeout)  # fmt: skip
            if created.address != challenger:
                raise DeploymentError(f"the dispute game was created at 0x{created.address.hex()}, not at the "
                                      f"StateCommitmentChain's challenger 0x{challenger.hex()}")
    client.txs.forget_nonce(deployer)
    return RollupContracts(
        l1_bridge=bridge.address, batch_inbox=inbox.address, state_commitment_chain=scc.address
    )


def _deploy_fraud_proofs(client: L1Client, deployer_key: bytes, timeout: float) -> bytes:
    """The contracts the dispute game stands on; returns the block trace's address."""
    addresses: dict[str, bytes] = {}
    arguments = {
        "OneStepVerifier": lambda: (addresses["CodeOracle"], *(addresses[name] for name in VERIFIER_EXECUTORS)),
        "FrameBlockTrace": lambda: (addresses["OneStepVerifier"],),
    }
    for name in FRAUD_PROOF_CONTRACTS:
        with _deploying(name):
            args = arguments[name]() if name in arguments else ()
            artifact = load(name)
            addresses[name] = deployed(client, artifact, send_deployment(client, deployer_key, artifact, *args),
                                       timeout).address  # fmt: skip
    return addresses["FrameBlockTrace"]


def dispute_game(client: L1Client, contracts: RollupContracts) -> Contract:
    """The dispute game of a rollup deployed with one: its state commitment chain's challenger."""
    scc = Contract.at(client, load("StateCommitmentChain"), contracts.state_commitment_chain)
    return Contract.at(client, load("DisputeGame"), bytes(scc.call("challenger")))
