"""
Fee suggestions
===============

The tip ``eth_maxPriorityFeePerGas`` suggests (and ``eth_gasPrice`` adds to
the next block's base fee, and ``eth_sendTransaction`` uses when a request
names none), worked out as geth's gas price oracle does
(``eth/gasprice/gasprice.go``, ``SuggestTipCap``) with its full-node
defaults (``ethconfig.FullNodeGPO``):

* the last ``CHECK_BLOCKS`` (20) blocks before the head, genesis excluded;
  from each, the ``SAMPLES_PER_BLOCK`` (3) lowest effective tips
  (``effectiveGasPrice - baseFee``), leaving out tips under ``IGNORE_PRICE``
  (2 wei), transactions the block's fee recipient sent, and deposits (which
  pay no gas price);
* a block that gives nothing counts once at the floor (geth counts the last
  suggestion there, which starts at its default), and a block that gives one
  value or none widens the window by a block, up to twice ``CHECK_BLOCKS``;
* the ``PERCENTILE`` (60th) of the values collected, at most ``MAX_PRICE``
  (500 gwei).

The floor is ``MIN_SUGGESTED_TIP``, 0.001 gwei: op-geth's
``DefaultMinSuggestedPriorityFee`` for OP Stack chains, whose base fee sits
at a few wei. A fixed 1 gwei suggestion would make every wallet pay the
sequencer some 10^5 times the base fee. The answer is kept per head block, as
geth caches it.

``fee_history`` answers ``eth_feeHistory``: base fees and blob base fees
(each by its block's fork; the next block's last), gas and blob gas used
ratios and, for the percentiles asked, each block's tips weighted by gas
used, as geth computes its rewards.
"""

from __future__ import annotations

from typing import Any

from ...chain import Block, Header
from ...evm.transactions import DepositTransaction
from ..chain import Blockchain
from .errors import InvalidParams
from .formatting import quantity

GWEI = 10**9
CHECK_BLOCKS = 20
SAMPLES_PER_BLOCK = 3
PERCENTILE = 60
IGNORE_PRICE = 2
MAX_PRICE = 500 * GWEI
MIN_SUGGESTED_TIP = GWEI // 1000
MAX_FEE_HISTORY_BLOCKS = 1024
MAX_PERCENTILES = 100


class TipOracle:
    """The suggested tip for the chain's next block, computed once per head."""

    def __init__(self, chain: Blockchain) -> None:
        self._chain = chain
        self._cached: tuple[bytes, int] | None = None

    def suggest(self) -> int:
        head = self._chain.head
        if self._cached is None or self._cached[0] != head.hash:
            self._cached = (head.hash, suggest_tip(self._chain, head.number))
        return self._cached[1]


def suggest_tip(chain: Blockchain, head: int) -> int:
    """geth's ``SuggestTipCap`` over the blocks up to ``head`` (see the module's docstring)."""
    values: list[int] = []
    window, number = CHECK_BLOCKS, head
    while head - number < window and number > 0:
        tips = block_tips(chain, number)
        values += tips or [MIN_SUGGESTED_TIP]
        if len(tips) <= 1 and window < 2 * CHECK_BLOCKS:
            window += 1
        number -= 1
    if not values:
        return MIN_SUGGESTED_TIP
    values.sort()
    return min(max(values[(len(values) - 1) * PERCENTILE // 100], MIN_SUGGESTED_TIP), MAX_PRICE)


def block_tips(chain: Blockchain, number: int) -> list[int]:
    """The ``SAMPLES_PER_BLOCK`` lowest effective tips of a block that count."""
    block = chain.block(number)
    if block is None or not block.transactions:
        return []
    base_fee = block.header.base_fee_per_gas or 0
    coinbase = block.header.coinbase
    tips = []
    for tx, record in zip(block.transactions, chain.block_receipts(block.hash) or []):
        tip = record.details.effective_gas_price - base_fee
        if isinstance(tx, DepositTransaction) or tip < IGNORE_PRICE or record.details.sender == coinbase:
            continue
        tips.append(tip)
    return sorted(tips)[:SAMPLES_PER_BLOCK]


# --- eth_feeHistory ------------------------------------------------------------------


def fee_history(chain: Blockchain, block_count: int, last: int, percentiles_value: Any) -> dict:
    """``eth_feeHistory`` for up to ``block_count`` blocks ending with block ``last``."""
    percentiles = _percentiles(percentiles_value)
    count = min(block_count, MAX_FEE_HISTORY_BLOCKS, last + 1)
    blocks = [chain.block(n) for n in range(last - count + 1, last + 1)]
    history = {
        "oldestBlock": quantity(last - count + 1),
        "baseFeePerGas": [quantity(b.header.base_fee_per_gas) for b in blocks],
        "gasUsedRatio": [b.header.gas_used / b.header.gas_limit for b in blocks],
        "baseFeePerBlobGas": [quantity(_blob_base_fee(chain, b.header)) for b in blocks],
        "blobGasUsedRatio": [_blob_gas_used_ratio(chain, b.header) for b in blocks],
    }
    history["baseFeePerGas"].append(quantity(_next_base_fee_after(chain, last)))
    history["baseFeePerBlobGas"].append(quantity(_next_blob_base_fee_after(chain, last)))
    if percentiles is not None:
        history["reward"] = [_rewards(chain, b, percentiles) for b in blocks]
    return history


def _next_base_fee_after(chain: Blockchain, number: int) -> int:
    if number == chain.head.number:
        return chain.next_base_fee()
    return chain.block(number + 1).header.base_fee_per_gas


def _blob_base_fee(chain: Blockchain, header: Header) -> int:
    """A block's blob base fee, by its fork's blob parameters."""
    return chain.fork_at(header.timestamp).fork.blobs.base_fee(header.excess_blob_gas)


def _blob_gas_used_ratio(chain: Blockchain, header: Header) -> float:
    return header.blob_gas_used / chain.fork_at(header.timestamp).fork.blobs.max_gas


def _next_blob_base_fee_after(chain: Blockchain, number: int) -> int:
    if number == chain.head.number:
        return chain.next_blob_base_fee()
    return _blob_base_fee(chain, chain.block(number + 1).header)


def _rewards(chain: Blockchain, block: Block, percentiles: list[float]) -> list[str]:
    """Tips at the given percentiles of gas used, as geth weighs them."""
    if not block.transactions:
        return ["0x0"] * len(percentiles)
    records = chain.block_receipts(block.hash) or []
    base_fee = block.header.base_fee_per_gas
    # A deposit pays no gas price: its tip is 0, as op-geth counts it.
    tips = sorted((max(r.details.effective_gas_price - base_fee, 0), r.details.gas_used)
                  for r in records)  # fmt: skip
    total = sum(used for _, used in tips) or 1
    rewards, index, cumulative = [], 0, tips[0][1]
    for percentile in percentiles:
        threshold = total * percentile / 100
        while cumulative < threshold and index < len(tips) - 1:
            index += 1
            cumulative += tips[index][1]
        rewards.append(quantity(tips[index][0]))
    return rewards


def _percentiles(value: Any) -> list[float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_PERCENTILES:
        raise InvalidParams(f"invalid argument 2 (percentiles): want an array of at most {MAX_PERCENTILES} numbers")
    previous = 0.0
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not previous <= item <= 100:
            raise InvalidParams("invalid argument 2 (percentiles): want increasing numbers from 0 to 100")
        previous = item
    return [float(item) for item in value]
