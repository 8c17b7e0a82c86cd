"""
Finality: which L2 blocks were derived from finalized L1 data
=============================================================

As op-node's finalizer does: after reading each L1 block, derivation notes
the safe head it had reached (everything up to it was derived from L1 data
up to that block). When L1 reports a finalized block (its ``finalized``
tag), the L2 blocks derived from L1 data up to it are final too: the
finalized L2 head is the safe head noted at the latest L1 block at or below
L1's finalized one. It only moves forward; a reorg (which cannot reach
finalized L1 blocks) drops the notes of the L1 blocks it replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_NOTES = 8192  # unfinalized L1 blocks remembered (older notes only delay finality)


@dataclass
class Finality:
    finalized_l2: int = 0
    finalized_l1: int = 0
    notes: list[tuple[int, int]] = field(default_factory=list)  # (L1 number, safe head after it), ascending

    def derived(self, l1_number: int, safe_l2: int) -> None:
        """Derivation read L1 block ``l1_number`` and stands at ``safe_l2``."""
        if self.notes and self.notes[-1][0] >= l1_number:
            self.notes = [note for note in self.notes if note[0] < l1_number]
        self.notes.append((l1_number, safe_l2))
        del self.notes[:-MAX_NOTES]

    def finalize(self, l1_finalized: int) -> int:
        """L1 finalized up to ``l1_finalized``: the finalized L2 head now."""
        self.finalized_l1 = max(self.finalized_l1, l1_finalized)
        final = [note for note in self.notes if note[0] <= self.finalized_l1]
        if final:
            self.finalized_l2 = max(self.finalized_l2, final[-1][1])
            self.notes = self.notes[len(final) - 1:]  # keep the last final note: it is the answer after a restart
        return self.finalized_l2

    def rewind(self, l1_ancestor: int, l2_keep: int) -> None:
        """A reorg took L1 back to ``l1_ancestor`` and the L2 chain to ``l2_keep``."""
        self.notes = [(l1, min(l2, l2_keep)) for l1, l2 in self.notes if l1 <= l1_ancestor]
        self.finalized_l2 = min(self.finalized_l2, l2_keep)

    def to_json(self) -> dict:
        return {"finalized_l2": self.finalized_l2, "finalized_l1": self.finalized_l1, "notes": self.notes}

    @classmethod
    def from_json(cls, raw: dict, l2_head: int) -> "Finality":
        """What ``to_json`` wrote, trimmed to the chain's safe head."""
        notes = [(int(l1), min(int(l2), l2_head)) for l1, l2 in raw["notes"]]
        return cls(min(int(raw["finalized_l2"]), l2_head), int(raw["finalized_l1"]), notes)
