"""A replica's progress file: round trip, trimming, where a restart reads L1 from,
and files that are missing, damaged or of another rollup."""

from __future__ import annotations

from ovm.rollup.derivation import progress
from ovm.rollup.derivation.progress import Progress

ANCHOR, OTHER = b"\x0a" * 32, b"\x0b" * 32


def sample() -> Progress:
    return Progress(
        ANCHOR, l2_head=40, resume_l1=17,
        read={n: bytes([n]) * 32 for n in range(10, 20)},
        derived_from={n: 10 + n // 4 for n in range(1, 41)},
        outputs_checked=[(0, 10, b"\x01" * 32, b"\x01" * 32), (1, 20, b"\x02" * 32, b"\x03" * 32)],
    )  # fmt: skip


def test_round_trip(tmp_path):
    progress.save(tmp_path, sample())
    assert progress.load(tmp_path, ANCHOR) == sample()
    assert not (tmp_path / "derivation.json.tmp").exists()


def test_only_the_newest_entries_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "KEPT_L1_BLOCKS", 3)
    monkeypatch.setattr(progress, "KEPT_L2_BLOCKS", 5)
    progress.save(tmp_path, sample())
    loaded = progress.load(tmp_path, ANCHOR)
    assert sorted(loaded.read) == [17, 18, 19] and sorted(loaded.derived_from) == [36, 37, 38, 39, 40]


def test_resume_point():
    saved = sample()
    assert saved.resume_point(l2_head=40, anchor_number=5) == 17
    assert saved.resume_point(l2_head=45, anchor_number=5) == 17  # the chain went on after the last write
    assert saved.resume_point(l2_head=39, anchor_number=5) == 5  # rewound after it: from the anchor
    assert Progress(ANCHOR).resume_point(l2_head=0, anchor_number=5) == 5


def test_missing_damaged_or_foreign_files_start_afresh(tmp_path):
    assert progress.load(tmp_path, ANCHOR) == Progress(ANCHOR)
    (tmp_path / "derivation.json").write_text('{"anchor": ')
    assert progress.load(tmp_path, ANCHOR) == Progress(ANCHOR)
    progress.save(tmp_path, sample())
    assert progress.load(tmp_path, OTHER) == Progress(OTHER)
