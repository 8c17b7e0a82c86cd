"""
Derivation's progress on disk
=============================

What derivation knows beyond the L2 blocks (on a replica, or on the
sequencer deriving its own chain), kept in ``derivation.json`` beside the
chain so that a restart carries on instead of reading L1 again from the
anchor: the safe head; the L1 block to read first (the oldest whose frames
are not all derived: batches can land out of order when one is sent again);
for the latest L2 blocks, the L1 block each was derived from, and the hashes
of the latest L1 blocks read (to rewind what a reorg while it was down took
away); the outputs already checked; and the finality notes (``finality``).

The file is written after each round, by a rename, so it is whole or absent.
It may lag the chain (the process died between a block's commit and the next
write): derivation then starts from the recorded L1 block, reading a little
of L1 twice, which is harmless — frames of blocks it already has are
skipped. A chain behind the file (rewound after the last write), or a file of
another rollup (a different anchor), means starting over from the anchor.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ...primitives.types import hex_to_bytes, to_hex

FILE_NAME = "derivation.json"
KEPT_L1_BLOCKS = 128  # L1 hashes kept to notice a reorg (also in memory)
KEPT_L2_BLOCKS = 4096  # L2 blocks whose L1 source is kept, to rewind them on a reorg (also in memory)


@dataclass
class Progress:
    anchor: bytes
    l2_head: int = 0
    resume_l1: int | None = None  # the oldest L1 block whose frames were not all derived
    read: dict[int, bytes] = field(default_factory=dict)  # L1 number -> hash
    derived_from: dict[int, int] = field(default_factory=dict)  # L2 number -> L1 number
    outputs_checked: list[tuple[int, int, bytes, bytes]] = field(default_factory=list)
    finality: dict | None = None  # Finality.to_json()

    def resume_point(self, l2_head: int, anchor_number: int) -> int:
        """The L1 block to read first. A chain behind the record (rewound after the
        last write) starts over from the anchor; one ahead of it is fine, as
        reading L1 again from the recorded point only finds blocks it has."""
        if self.resume_l1 is None or l2_head < self.l2_head:
            return anchor_number
        return self.resume_l1


def load(directory: Path, anchor: bytes) -> Progress:
    """The progress saved in ``directory`` for the rollup anchored at ``anchor``
    (an empty one if there is none, or it belongs to another rollup)."""
    try:
        raw = json.loads((directory / FILE_NAME).read_text())
        progress = Progress(
            anchor=hex_to_bytes(raw["anchor"]),
            l2_head=int(raw["l2_head"]),
            resume_l1=int(raw["resume_l1"]),
            read={int(n): hex_to_bytes(h) for n, h in raw["read"].items()},
            derived_from={int(n): int(l1) for n, l1 in raw["derived_from"].items()},
            outputs_checked=[(i, n, hex_to_bytes(p), hex_to_bytes(d)) for i, n, p, d in raw["outputs_checked"]],
            finality=raw.get("finality"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return Progress(anchor)
    return progress if progress.anchor == anchor else Progress(anchor)


def save(directory: Path, progress: Progress) -> None:
    """Write ``progress`` whole (the newest entries of its maps only)."""
    read = sorted(progress.read)[-KEPT_L1_BLOCKS:]
    derived = sorted(progress.derived_from)[-KEPT_L2_BLOCKS:]
    text = json.dumps({
        "anchor": to_hex(progress.anchor),
        "l2_head": progress.l2_head,
        "resume_l1": progress.resume_l1,
        "read": {str(n): to_hex(progress.read[n]) for n in read},
        "derived_from": {str(n): progress.derived_from[n] for n in derived},
        "outputs_checked": [[i, n, to_hex(p), to_hex(d)] for i, n, p, d in progress.outputs_checked],
        "finality": progress.finality,
    })
    partial = directory / (FILE_NAME + ".tmp")
    partial.write_text(text)
    os.replace(partial, directory / FILE_NAME)
