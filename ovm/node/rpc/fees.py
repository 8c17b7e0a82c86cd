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
"""

from __future__ import annotations

from ...evm.transactions import DepositTransaction
from ..chain import Blockchain

GWEI = 10**9
CHECK_BLOCKS = 20
SAMPLES_PER_BLOCK = 3
PERCENTILE = 60
IGNORE_PRICE = 2
MAX_PRICE = 500 * GWEI
MIN_SUGGESTED_TIP = GWEI // 1000


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
