"""The benchmark report: Markdown tables of the figures, and each target met or missed."""

from __future__ import annotations

import os
import platform
import sqlite3
from typing import Any

from benchmarks.world import BENCH_LRO

NA = "not available"


def ms(seconds: float | None) -> str:
    if seconds is None:
        return NA
    return f"{seconds * 1000:.2f}" if seconds < 0.1 else f"{seconds * 1000:,.0f}"


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    found = {
        "cpus": str(os.cpu_count()), "cpu": cpu, "ram": f"{mem:.0f} GiB",
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    }  # fmt: skip
    return found


def report(results: dict[str, Any]) -> str:
    out = ["## Commands (milliseconds; ratio = socbot median / raw median)", ""]
    out += ["| backend | operation | socbot median | socbot p99 | raw median | raw p99 | ratio |",
            "|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in results["commands"]:
        if "status" in row:
            out.append(f"| {row['backend']} | {row['scenario']} | {row['status']} | | | | |")
            continue
        s, b = row["socbot"], row["raw"]
        out.append(f"| {row['backend']} | {row['scenario']} | {ms(s['median'])} | {ms(s['p99'])} "
                   f"| {ms(b['median'])} | {ms(b['p99'])} | {row['ratio']:.1f}x |")  # fmt: skip
    out += ["", "## Sweeps (dry run, milliseconds, median of repeated runs)", ""]
    out += ["| backend | sweep | dataset | actions | overdue | OCGs due | messages | socbot "
            "| raw | ratio |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in results["sweeps"]:
        head = (f"| {row['backend']} | {row['sweep']} | {row['dataset']} | {row['actions']:,} "
                f"| {row['overdue']:,} | {row['reviews_due']:,} |")  # fmt: skip
        if "status" in row:
            out.append(f"{head} {row['status']} | | | |")
            continue
        out.append(f"{head} {row['messages']:,} | {ms(row['socbot']['median'])} "
                   f"| {ms(row['raw']['median'])} | {row['ratio']:.1f}x |")  # fmt: skip
    out += [
        "",
        "## `/ocg status OCG-0042` round trips on loopback (milliseconds)",
        "",
        "socbot: the real command; face only: socbot's face over a bot that answers a "
        "constant; bare: the SDK alone answering a constant. Ratios are to bare.",
        "",
    ]
    out += ["| backend | face | socbot median | socbot p99 | face only median | bare median "
            "| bare p99 | ratio | face only ratio |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in results["faces"]:
        if "status" in row:
            out.append(f"| {row['backend']} | {row['face']} | {row['status']} | | | | | | |")
            continue
        s, a, b = row["socbot"], row["alone"], row["bare"]
        out.append(f"| {row['backend']} | {row['face']} | {ms(s['median'])} | {ms(s['p99'])} "
                   f"| {ms(a['median'])} | {ms(b['median'])} | {ms(b['p99'])} "
                   f"| {row['ratio']:.1f}x | {row['face_ratio']:.1f}x |")  # fmt: skip
    out += ["", "## Memory and cold start", ""]
    for backend, steady in results["steady"].items():
        rss = steady["rss_mb"]
        out.append(f"- {backend}: resident memory over {steady['commands']:,} commands after the "
                   f"benchmarks: {rss[0]:.1f} MB after the first block, {rss[-1]:.1f} MB after "
                   f"the last ({steady['growth_mb']:+.1f} MB); samples "
                   + ", ".join(f"{x:.0f}" for x in rss))  # fmt: skip
    out.append(
        f"- peak resident memory of the whole run: {results['peak_mb']:.0f} MB "
        f"(phases: {', '.join(f'{k} {v:.0f}' for k, v in results['rss'].items())} MB)"
    )
    cold = results.get("cold")
    if cold and "median" in cold:
        out.append(
            f"- cold start `socbot say --as {BENCH_LRO} help` ({cold['store']} SQLite store): "
            f"median {ms(cold['median'])} ms, slowest {ms(cold['p99'])} ms over "
            f"{cold['n']} runs; platform SDKs imported: {', '.join(cold['sdks']) or 'none'}"
        )
        out.append(f"- imports take {cold['import_s'] * 1000:.0f} ms of it; the biggest (own "
                   "time in ms, by package; socbot by module): " + ", ".join(
                       f"{name} {sec * 1000:.0f}" for sec, name in cold["imports"]))  # fmt: skip
    elif cold:
        out.append(f"- cold start: {cold.get('status')}")
    if results.get("serving"):
        from benchmarks import serving

        out += ["", *serving.report(results["serving"])]
    out += ["", "## Targets", ""] + [f"- {line}" for line in targets(results)]
    return "\n".join(out)


def verdict(row: dict[str, Any], limit: float) -> str:
    if "ratio" not in row:
        return "NOT MEASURED"
    return "MET" if row["ratio"] <= limit else "MISSED"


def got(row: dict[str, Any]) -> str:
    return f"{row['ratio']:.1f}x" if "ratio" in row else row["status"]


# issue 18: `status` within 4x of raw SQL on SQLite (its raw floor is a few microseconds), 2x on
# PostgreSQL
STATUS_LIMIT = {"sqlite": 4, "postgresql": 2}


def targets(results: dict[str, Any]) -> list[str]:
    lines = []
    for row in results["commands"]:
        if row["scenario"].startswith("status"):
            limit = STATUS_LIMIT[row["backend"]]
            lines.append(f"{verdict(row, limit)}: {row['backend']} {row['scenario']} within "
                         f"{limit}x of raw SQL ({got(row)})")  # fmt: skip
    for row in results["faces"]:
        if row["face"] == "slack":
            alone = f"; socbot's face alone {row['face_ratio']:.1f}x" if "ratio" in row else ""
            lines.append(f"{verdict(row, 1.5)}: {row['backend']} Slack round trip within 1.5x of "
                         f"bare bolt ({got(row)}{alone})")  # fmt: skip
    by = {(r["backend"], r["sweep"], r["dataset"]): r for r in results["sweeps"] if "socbot" in r}
    names = [d.name for d in results["datasets"]]
    for backend, sweep in sorted({(k[0], k[1]) for k in by}):
        big, small, few = (by.get((backend, sweep, n)) for n in names)
        if not (big and small):
            continue
        size = big["socbot"]["median"] / small["socbot"]["median"]
        grow = small["socbot"]["median"] / few["socbot"]["median"] if few else float("nan")
        more = small["messages"] / max(few["messages"], 1) if few else float("nan")
        lines.append(
            f"{'MET' if size <= 1.5 else 'MISSED'}: {backend} {sweep}: 10x the tables with the "
            f"same work takes {size:.2f}x the time; {more:.0f}x the messages takes {grow:.1f}x"
        )
    for backend, steady in results["steady"].items():
        ok = steady["growth_mb"] <= max(5.0, 0.05 * steady["rss_mb"][0])
        lines.append(
            f"{'MET' if ok else 'MISSED'}: {backend} memory flat over "
            f"{steady['commands']:,} commands ({steady['growth_mb']:+.1f} MB)"
        )
    cold = results.get("cold")
    if cold and "median" in cold:
        ok = cold["median"] < 1 and not cold["sdks"]
        lines.append(
            f"{'MET' if ok else 'MISSED'}: cold start under 1 s with no platform SDK "
            f"imported ({ms(cold['median'])} ms; SDKs: {cold['sdks'] or 'none'})"
        )
    if results.get("serving"):
        from benchmarks import serving

        lines += serving.targets(results["serving"])
    return lines
