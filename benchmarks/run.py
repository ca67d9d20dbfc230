"""``python -m benchmarks`` (``make bench``): socbot against raw SQL and bare SDKs, nationally.

For SQLite and PostgreSQL: median and p99 of what users do, through ``Bot.handle`` /
``Bot.run_job(dry_run=True)``, each next to the same work hand-written in raw SQL (``raw.py``),
as a ratio; the sweeps at two table sizes with the same overdue count; the Slack and Teams round
trips on loopback against bare slack-bolt and Agents SDK apps; memory; cold start. Prints
Markdown tables and writes them (and the raw numbers as JSON) to ``benchmarks/data/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from benchmarks import raw, stores
from benchmarks.report import NA, machine, ms, report
from benchmarks.world import BENCH_LRO, BENCH_SRO, NOW
from socbot.clock import Clock

DISRUPT = (
    'disrupt OCG-0042 minor prevent "Benchmark: two young people referred to diversion after a '
    'stop near the car wash" safeguarded=2'
)
SDKS = ("slack_bolt", "slack_sdk", "microsoft_agents", "aiohttp", "matplotlib")


@dataclass(frozen=True)
class Op:
    label: str
    verb: str  # the command (or job) that must be registered
    who: str
    text: str  # typed text, or the job name for sweeps
    raw: Callable[[raw.Raw, datetime], Any]


CLOCK = Clock.parse(NOW)
T0, DAY = CLOCK.now(), CLOCK.today()
COMMANDS = (
    Op("help (the core's floor)", "help", BENCH_LRO, "help",
       lambda r, now: raw.help_(r, BENCH_LRO, now)),
    Op("status by reference", "status", BENCH_LRO, "status OCG-0042",
       lambda r, now: raw.status(r, BENCH_LRO, "OCG-0042", now, DAY)),
    Op("status by name", "status", BENCH_LRO, "status smith",
       lambda r, now: raw.status(r, BENCH_LRO, "smith", now, DAY)),
    Op("status by name (SRO: every OCG)", "status", BENCH_SRO, "status smith",
       lambda r, now: raw.status(r, BENCH_SRO, "smith", now, DAY)),
    Op("list overdue (SRO)", "list", BENCH_SRO, "list overdue",
       lambda r, now: raw.list_overdue(r, BENCH_SRO, now, DAY)),
    Op("actions mine", "actions", BENCH_LRO, "actions mine",
       lambda r, now: raw.actions_mine(r, BENCH_LRO, now)),
    Op("disruption write", "disrupt", BENCH_LRO, DISRUPT,
       lambda r, now: raw.disrupt(r, BENCH_LRO, "OCG-0042", "Benchmark: raw", now, DAY)),
    Op("tactics for an OCG", "tactics", BENCH_LRO, "tactics for OCG-0042",
       lambda r, now: raw.tactics_for(r, BENCH_LRO, "OCG-0042", now)),
)  # fmt: skip
SWEEPS = (
    Op("nudge sweep", "action-nudges", "", "action-nudges", lambda r, now: raw.nudges(r, now, DAY)),
    Op("review-alert sweep", "review-alerts", "", "review-alerts",
       lambda r, now: raw.review_alerts(r, now, DAY)),
)  # fmt: skip


@dataclass
class Config:
    datasets: tuple[stores.Dataset, ...]
    backends: list[str]
    pg: str
    repeat: int = 200
    warmup: int = 10
    sweep_repeat: int = 3
    requests: int = 300
    steady_blocks: int = 10
    steady_rounds: int = 10
    cold_runs: int = 7
    phases: set[str] = field(default_factory=set)
    quick: bool = False
    baseline: str = "083e868"  # the revision the serving phase runs beside this tree


# -- measuring -----------------------------------------------------------------------------------


def stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]
    return {"median": statistics.median(ordered), "p99": p99, "n": len(ordered)}


def paired(ours: Callable[[], Any], base: Callable[[], Any], n: int, warmup: int):  # type: ignore[no-untyped-def]
    """Alternate the two (swapping which goes first) so both see the same load and caches."""
    a: list[float] = []
    b: list[float] = []
    for i in range(warmup + n):
        order = ((ours, a), (base, b)) if i % 2 == 0 else ((base, b), (ours, a))
        for fn, sink in order:
            start = time.perf_counter()
            fn()
            if i >= warmup:
                sink.append(time.perf_counter() - start)
    return stats(a), stats(b)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# -- phases ----------------------------------------------------------------------------------------


def run_commands(bot: Any, r: raw.Raw, cfg: Config, backend: str) -> list[dict[str, Any]]:
    from socbot.identify import Who

    rows = []
    for op in COMMANDS:
        row: dict[str, Any] = {"backend": backend, "scenario": op.label, "text": op.text}
        if op.verb not in bot.commands:
            rows.append({**row, "status": NA})
            continue
        who = Who("console", op.who)
        reply = bot.handle(op.text, who, face="console")
        if reply.error:
            rows.append({**row, "status": f"error: {reply.text}"})
            continue
        ours, base = paired(
            lambda op=op, who=who: bot.handle(op.text, who, face="console"),
            lambda op=op: op.raw(r, T0),
            cfg.repeat,
            cfg.warmup,
        )
        rows.append({**row, "socbot": ours, "raw": base, "ratio": ours["median"] / base["median"]})
        log(f"{backend}: {op.label}: {ms(ours['median'])} ms vs raw {ms(base['median'])} ms")
    return rows


def run_sweeps(opened: list[tuple[stores.Dataset, Any, raw.Raw]], cfg: Config, backend: str):  # type: ignore[no-untyped-def]
    """Each store's sweep in turn, round after round, so changes in machine load hit all alike."""
    rows = []
    for op in SWEEPS:
        live = []
        for ds, bot, r in opened:
            n = ds.spec.counts()
            row: dict[str, Any] = {
                "backend": backend, "sweep": op.label, "dataset": ds.name,
                "actions": n["actions"], "overdue": n["overdue"], "reviews_due": n["reviews_due"],
            }  # fmt: skip
            if op.verb not in bot.jobs:
                rows.append({**row, "status": NA})
                continue
            row["messages"] = len(bot.run_job(op.text, dry_run=True))  # doubles as the warm-up
            row["raw_messages"] = op.raw(r, T0)
            live.append((row, bot, r, [], []))
        for i in range(cfg.sweep_repeat):
            for _, bot, r, ours, base in live:
                pair = [
                    (lambda bot=bot, op=op: bot.run_job(op.text, dry_run=True), ours),
                    (lambda r=r, op=op: op.raw(r, T0), base),
                ]
                for fn, sink in pair if i % 2 == 0 else reversed(pair):
                    start = time.perf_counter()
                    fn()
                    sink.append(time.perf_counter() - start)
        for row, _, _, ours, base in live:
            mine, theirs = stats(ours), stats(base)
            rows.append({**row, "socbot": mine, "raw": theirs,
                         "ratio": mine["median"] / theirs["median"]})  # fmt: skip
            log(f"{backend}/{row['dataset']}: {op.label}: {row['messages']} messages in "
                f"{ms(mine['median'])} ms (raw {row['raw_messages']} in "
                f"{ms(theirs['median'])} ms)")  # fmt: skip
    return rows


def run_faces(bot: Any, cfg: Config, backend: str) -> list[dict[str, Any]]:
    from benchmarks import faces

    rows = []
    try:
        found = faces.round_trips(bot, requests=cfg.requests)
    except ImportError as exc:
        return [
            {"backend": backend, "face": f, "status": f"{NA} ({exc})"} for f in ("slack", "teams")
        ]
    for face, times in found.items():
        if "error" in times:
            rows.append({"backend": backend, "face": face, "status": f"error: {times['error']}"})
            log(f"{backend}: {face} round trip failed: {times['error']}")
            continue
        ours, alone, bare = stats(times["socbot"]), stats(times["face"]), stats(times["bare"])
        rows.append({"backend": backend, "face": face, "socbot": ours, "alone": alone,
                     "bare": bare, "ratio": ours["median"] / bare["median"],
                     "face_ratio": alone["median"] / bare["median"]})  # fmt: skip
        log(
            f"{backend}: {face} round trip {ms(ours['median'])} ms (face only "
            f"{ms(alone['median'])}) vs bare {ms(bare['median'])}"
        )
    return rows


def run_steady(bot: Any, cfg: Config) -> dict[str, Any]:
    """The command mix over and over: resident memory after each block should not climb."""
    from socbot.identify import Who

    mix = [(op.text, Who("console", op.who)) for op in COMMANDS if op.verb in bot.commands]
    samples = []
    for _ in range(cfg.steady_blocks):
        for _ in range(cfg.steady_rounds):
            for text, who in mix:
                bot.handle(text, who, face="console")
        samples.append(rss_mb())
    commands = cfg.steady_blocks * cfg.steady_rounds * len(mix)
    return {"commands": commands, "rss_mb": samples, "growth_mb": samples[-1] - samples[0]}


def run_cold(cfg: Config, store_url: str) -> dict[str, Any]:
    """``socbot say --as X help`` in a fresh process; and what its imports cost."""
    env = {**os.environ, "SOCBOT_DATABASE_URL": store_url, "SOCBOT_NOW": NOW}
    argv = ["say", "--as", BENCH_LRO, "help"]
    script = "import sys; from socbot.cli import main; sys.exit(main(sys.argv[1:]))"
    times = []
    for _ in range(cfg.cold_runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", script, *argv], env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return {"status": f"error: {done.stderr.decode()[-300:]}"}
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script, *argv], env=env, capture_output=True
    ).stderr.decode()
    spent: dict[str, float] = {}  # self time by package (socbot: by module)
    sdks = set()
    for line in traced.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        name = parts[2].strip()
        root = name.split(".")[0]
        sdks |= {root} & set(SDKS)
        key = name if root in ("socbot", "socbot_plugins") else root
        spent[key] = spent.get(key, 0.0) + int(parts[0]) / 1e6
    top = sorted(((sec, name) for name, sec in spent.items()), reverse=True)
    total = sum(spent.values())
    return {**stats(times), "imports": top[:10], "import_s": total, "sdks": sorted(sdks)}


# -- main ------------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """JSON for what ``json`` cannot write itself (the serving phase's figures are dataclasses)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


@contextmanager
def opened(backend: str, datasets: list[stores.Dataset], cfg: Config):  # type: ignore[no-untyped-def]
    """A bot and a raw connection per store; afterwards the benchmark's own rows are removed."""
    found = []
    try:
        for ds in datasets:
            url = stores.url(backend, ds, cfg.pg)
            r = raw.Raw(url)
            found.append((ds, stores.make_bot(url), r, stores.high_water(r)))
        yield [(ds, bot, r) for ds, bot, r, _ in found]
    finally:
        for ds, bot, r, marks in found:
            removed = stores.clean(r, marks)
            log(f"{backend}/{ds.name}: removed {removed} rows the benchmark wrote")
            r.close()
            bot.engine.dispose()


def run(cfg: Config) -> dict[str, Any]:
    start = time.perf_counter()
    results: dict[str, Any] = {"commands": [], "sweeps": [], "faces": [], "steady": {},
                               "rss": {"start": rss_mb()}, "datasets": cfg.datasets}  # fmt: skip
    if "postgresql" in cfg.backends:
        why = stores.postgres_reachable(cfg.pg)
        if why:
            log(f"PostgreSQL not available ({why}): its rows are skipped")
            cfg.backends = [b for b in cfg.backends if b != "postgresql"]
            results["skipped"] = f"postgresql: {why}"
    if cfg.phases - {"serving"}:  # serving keeps its own stores, one per revision
        stores.ensure(cfg.datasets, cfg.backends, pg=cfg.pg, log=log)
    results["generate_s"] = time.perf_counter() - start
    main_ds = cfg.datasets[0]
    for backend in cfg.backends:
        if cfg.phases & {"commands", "faces", "memory"}:
            with opened(backend, [main_ds], cfg) as [(_, bot, r)]:
                if "commands" in cfg.phases:
                    results["commands"] += run_commands(bot, r, cfg, backend)
                    results["rss"][f"{backend} commands"] = rss_mb()
                if "faces" in cfg.phases:
                    results["faces"] += run_faces(bot, cfg, backend)
                    results["rss"][f"{backend} faces"] = rss_mb()
                if "memory" in cfg.phases:
                    results["steady"][backend] = run_steady(bot, cfg)
        if "sweeps" in cfg.phases:
            with opened(backend, list(cfg.datasets), cfg) as stores_open:
                results["sweeps"] += run_sweeps(stores_open, cfg, backend)
                results["rss"][f"{backend} sweeps"] = rss_mb()
    if "cold" in cfg.phases:
        results["cold"] = {**run_cold(cfg, stores.url("sqlite", main_ds)), "store": main_ds.name}
    if "serving" in cfg.phases:
        if "postgresql" in cfg.backends:
            from benchmarks import serving

            results["serving"] = serving.run_phase(
                serving.config(cfg.quick, cfg.pg, cfg.baseline, log=log)
            )
        else:
            log("serving: skipped, it runs on PostgreSQL only")
    results["peak_mb"] = peak_mb()
    results["seconds"] = time.perf_counter() - start
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small stores, few repeats: a smoke run")
    p.add_argument("--backends", default=",".join(stores.BACKENDS))
    p.add_argument("--pg-url", default=os.environ.get("SOCBOT_BENCH_PG", stores.PG_URL))
    p.add_argument("--repeat", type=int, help="timed runs per command (default 200; quick 20)")
    p.add_argument("--only", default="commands,sweeps,faces,memory,cold",
                   help="phases to run (comma-separated); also serving, not run by default: "
                   "it takes minutes (benchmarks/serving.py)")  # fmt: skip
    p.add_argument("--baseline", default="083e868",
                   help="serving: the old revision to run beside this tree, or none")  # fmt: skip
    p.add_argument("--regenerate", action="store_true", help="rebuild the cached stores first")
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # as Ctrl-C: servers stopped
    quick = args.quick
    cfg = Config(
        datasets=stores.QUICK if quick else stores.FULL,
        backends=[b.strip() for b in args.backends.split(",") if b.strip()],
        pg=args.pg_url,
        repeat=args.repeat or (20 if quick else 200),
        warmup=3 if quick else 10,
        sweep_repeat=5 if quick else 3,
        requests=30 if quick else 300,
        steady_blocks=3 if quick else 10,
        steady_rounds=3 if quick else 10,
        cold_runs=2 if quick else 7,
        phases={x.strip() for x in args.only.split(",")},
        quick=quick,
        baseline=args.baseline,
    )
    if args.regenerate:
        stores.ensure(cfg.datasets, cfg.backends, pg=cfg.pg, regenerate=True, log=log)
    info = machine()
    results = run(cfg)
    head = [
        f"# socbot benchmarks ({'quick' if quick else 'full'}), {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, Python "
        f"{info['python']}, SQLite {info['sqlite']}; load average at start {info['load']}.",
        f"Main store: {cfg.datasets[0].name}: {cfg.datasets[0].describe()}.",
        f"Runs: {cfg.repeat} timed runs per command after {cfg.warmup} warm-up, interleaved with "
        f"raw SQL; {cfg.sweep_repeat} per sweep; {cfg.requests} requests per face.",
        "",
    ]
    if quick:
        head.insert(-1, "A smoke run on small stores: the figures show that everything works, "
                    "not how fast; use the full run for that.")  # fmt: skip
    if results.get("skipped"):
        head.insert(-1, f"Skipped: {results['skipped']}.")
    text = (
        "\n".join(head)
        + report(results)
        + (
            f"\n\nWhole run: {results['seconds']:.0f} s (of which generating stores "
            f"{results['generate_s']:.0f} s).\n"
        )
    )
    print(text)
    stores.DATA.mkdir(exist_ok=True)
    name = "quick" if quick else "results"
    (stores.DATA / f"{name}.md").write_text(text)
    results["machine"], results["datasets"] = info, [d.name for d in cfg.datasets]
    (stores.DATA / f"{name}.json").write_text(json.dumps(results, indent=1, default=plain))
    return 0
