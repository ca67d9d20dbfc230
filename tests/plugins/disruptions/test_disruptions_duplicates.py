"""Duplicate detection measured on a labelled set: 122 invented disruptions on six invented OCGs
over a quarter (data/duplicates.csv), 94 events of which 28 were logged twice in other words, and
hard cases that are not duplicates (a second van seized on the same road, "12 wraps" and "20
wraps", a second director charged). Every pair recorded one after the other is scored; a pair is
a duplicate when both rows carry the same ``event`` label."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from socbot_plugins.disruptions import duplicates

DATA = Path(__file__).parent / "data" / "duplicates.csv"
# the figures docs/disruptions.md states; a change to the scoring that lowers them fails here
PRECISION, RECALL = 0.87, 0.96


def report(row: dict[str, str]) -> duplicates.Report:
    outcomes: dict[str, object] = {}
    for pair in filter(None, row["outcomes"].split(";")):
        name, value = pair.split("=")
        if name == "drugs":
            outcomes[name] = value
        elif name in ("cash", "assets"):
            outcomes[f"{name}_pence"] = int(value) * 100
        else:
            outcomes[name] = int(value)
    return duplicates.Report(
        row["ocg"],
        date.fromisoformat(row["date"]),
        row["description"],
        outcomes,
        row["nominal"] or None,
    )


def measure() -> tuple[int, int, int, int]:
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    reports = [(row["event"], report(row)) for row in rows]
    tp = fp = fn = 0
    for i, (event, new) in enumerate(reports):
        for earlier_event, earlier in reports[:i]:
            flagged = duplicates.score(new, earlier) >= duplicates.THRESHOLD
            same = event == earlier_event
            tp += flagged and same
            fp += flagged and not same
            fn += same and not flagged
    return len(rows), tp, fp, fn


def test_the_labelled_set_is_big_enough_and_has_paraphrased_duplicates():
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    events = {r["event"] for r in rows}
    assert len(rows) >= 100
    assert len(rows) - len(events) >= 25  # duplicates
    assert len({r["description"] for r in rows}) == len(rows)  # every one reworded


def test_precision_and_recall_on_the_labelled_set():
    _, tp, fp, fn = measure()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"precision {precision:.3f} ({tp}/{tp + fp}), recall {recall:.3f} ({tp}/{tp + fn})")
    assert precision >= PRECISION and recall >= RECALL


def test_only_the_same_ocg_within_the_window_is_compared():
    van = duplicates.Report(1, date(2027, 3, 17), "Van seized on the harbour road", {"vehicles": 1})
    elsewhere = duplicates.Report(2, date(2027, 3, 17), "Van seized on the harbour road")
    later = duplicates.Report(1, date(2027, 4, 30), "Van seized on the harbour road")
    same = duplicates.Report(1, date(2027, 3, 18), "Harbour road: van seized", {"vehicles": 1})
    assert duplicates.score(elsewhere, van) == duplicates.score(later, van) == 0
    assert duplicates.score(same, van) >= duplicates.THRESHOLD
    assert duplicates.reasons(same, van) == ["1 day apart", "the same vehicles", "similar words"]
