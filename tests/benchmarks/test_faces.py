"""The face round-trip benchmark answers through both faces (it broke unnoticed once when the
faces began passing the channel's audience to the bot)."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks import faces, stores
from benchmarks.stores import QUICK


def test_every_app_of_both_faces_answers_the_status_it_is_asked(tmp_path: Path) -> None:
    stores.ensure(QUICK[:1], ["sqlite"], log=lambda _: None)
    copy = tmp_path / "quick.sqlite"  # the benchmark writes audit rows: not to the cached store
    shutil.copy(stores.DATA / f"{QUICK[0].name}.sqlite", copy)
    bot = stores.make_bot(f"sqlite:///{copy}")
    found = faces.round_trips(bot, requests=3, warmup=1)
    assert sorted(found) == ["slack", "teams"]
    for face, times in found.items():
        assert "error" not in times, (face, times)
        assert {"socbot", "face", "bare"} <= set(times), (face, times)
