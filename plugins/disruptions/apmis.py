"""``socbot export disruptions --format apmis``: the columns of the national system, APMIS.

APMIS is where forces, regional units and agencies record disruptions against SOC threats
(seed 003, the inspection's summary and Appendix 2). The headings below that the inspection
names ("Disruption Type", "Assessment Category", "Moderation Status") carry the values it
filtered on; the rest are socbot's own headings for the fields a keyer copies across, each
explained in docs/export.md. A force whose APMIS template differs maps these columns once in
its spreadsheet.

Only what APMIS can take is written: a moderated (accepted) disruption on one of the four
pillars, with its Prevent category when it is Prevent work. Every other row is listed with the
reason (awaiting moderation, rejected, merged into another record, no Prevent category) and
never dropped silently.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from socbot_plugins.disruptions.models import GRADES, LEVELS, QUALITATIVE

PILLARS = ("pursue", "prevent", "protect", "prepare")


def _money(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: f"{r[name]:.2f}"


def _date(r: dict[str, Any]) -> str:
    year, month, day = str(r["occurred_on"]).split("-")
    return f"{day}/{month}/{year}"


def _qualitative(r: dict[str, Any]) -> str:
    return "; ".join(
        f"{column.replace('_', ' ').capitalize()}: {r[column]}"
        for column in QUALITATIVE.values()
        if r.get(column)
    )


# heading -> how the value is made from an export row (see docs/export.md for each meaning)
COLUMNS: dict[str, Callable[[dict[str, Any]], object]] = {
    "Local Reference": lambda r: f"SOCBOT-{r['id']}",
    "OCG Reference": lambda r: r["ocg_ref"],
    "OCG Name": lambda r: r["ocg_name"],
    "Disruption Date": _date,
    "Disruption Type": lambda r: "Lead Disruption",
    "Pillar": lambda r: str(r["pillar"]).capitalize(),
    "Prevent Category": lambda r: (r["prevent_level"] or "").capitalize(),
    "Assessment Category": lambda r: str(r["grade"]).capitalize(),
    "Moderation Status": lambda r: "Moderated",
    "Moderated By": lambda r: r["moderated_by"] or "",
    "Description": lambda r: r["description"],
    "Arrests": lambda r: r["arrests"],
    "Charges": lambda r: r["charged"],
    "Warrants": lambda r: r["warrants"],
    "Cash Seized (GBP)": _money("cash_gbp"),
    "Assets Seized (GBP)": _money("assets_gbp"),
    "Drugs Seized": lambda r: r["drugs"] or "",
    "Vehicles Seized": lambda r: r["vehicles"],
    "Orders Obtained": lambda r: r["orders"],
    "People Safeguarded": lambda r: r["safeguarded"],
    "Qualitative Outcomes": _qualitative,
    "Tactic": lambda r: r["tactic_id"] or "",
    "Recording Agency": lambda r: r["recorded_by_agency"],
    "Recorded By": lambda r: r["recorded_by"],
    "Sensitive": lambda r: "Y" if r["sensitive"] else "N",
}


def why_not(row: dict[str, Any]) -> str | None:
    """Why a row cannot go to APMIS as it stands (None: it can)."""
    status = row["status"]
    if status == "merged":
        return f"merged into #{row['duplicate_of']}: the same event, exported once there"
    if status in ("pending", "needs_info"):
        return "awaiting moderation" + (
            " (the recorder was asked for more)" if status == "needs_info" else ""
        )
    if status == "rejected":
        return "rejected by a moderator"
    if status != "accepted":
        return f"status {status!r} has no APMIS equivalent"
    if row["pillar"] not in PILLARS:
        return f"pillar {row['pillar']!r} is not one of the 4Ps"
    if row["grade"] not in GRADES:
        return f"grade {row['grade']!r} is not an assessment category"
    if row["pillar"] == "prevent" and row["prevent_level"] not in LEVELS:
        return "Prevent disruption without its category (primary, secondary, tertiary)"
    return None


def write(rows: Iterator[dict[str, Any]], out: TextIO, unmapped: list[str]) -> int:
    """Write the mappable rows; add one line per other row to ``unmapped``."""
    from socbot_plugins.disruptions.cells import safe_cell

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        reason = why_not(row)
        if reason:
            unmapped.append(f"#{row['id']} {row['ocg_ref']} {row['occurred_on']}: {reason}")
            continue
        writer.writerow([safe_cell(make(row)) for make in COLUMNS.values()])
        count += 1
    return count
