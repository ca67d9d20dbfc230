"""``python -m benchmarks.serving`` (or ``python -m benchmarks --only serving``): commands per
second through ``socbot serve slack``, this tree beside an old revision run in the same session.

For each revision (this tree, and ``--baseline REV``, default 083e868, the revision issue 18 was
measured on) a ``socbot serve slack`` process runs against a copy of a PostgreSQL store made by
that revision's own generator (``benchmarks.revisions``), its scheduler on, with a Slack stand-in
in this process answering ``chat.postMessage`` after 100 ms. This process drives it over loopback
with slash commands signed as Slack signs them, from @bench.lro, the LRO of OCG-0041..0044: 40%
``status``, 20% ``list mine`` / ``actions mine``, 20% ``action`` (a write) and 20% ``done`` of an
action it added (a write), each worker sending its next command when the last one is answered.

- **Throughput**: 32, then 64, commands in flight for ``--seconds`` each after a warm-up.
- **While delivering**: on a copy of the store after a nudge sweep (``socbot jobs run
  action-nudges``, once per store: 5,289 messages nationally) the server delivers them at 100 ms
  a post while 16 commands are in flight.

A command's latency runs from sending the request to its answer reaching the user: the HTTP
answer when the read is answered inside the ack, else the post to its response_url. An answer
that is not what the command should say (an error message, a refusal, nothing) is an error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks import revisions
from benchmarks.faces import SECRET, TOKEN
from benchmarks.fault import free_port
from benchmarks.load import Driver, Figures, Standin
from benchmarks.stores import FULL, PG_URL, QUICK, Dataset

FIRST_POST = 60.0  # seconds to wait for a server's first post (its delivery runs every 20)


# -- one revision's server ---------------------------------------------------------------------


class Server:
    """``socbot serve slack`` of one revision on a free port, its log in a file."""

    def __init__(self, revision: revisions.Revision, store_url: str, api: str, logs: Path):
        self.revision = revision
        self.env = revisions.socbot_env(
            store_url,
            SOCBOT_RATE_LIMIT="1000000",
            SOCBOT_SLACK_API_URL=f"{api}/api/",
            SOCBOT_DATA_DIR=str(logs / f"data-{revision.key}"),
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
        )
        self.log = logs / f"serve-{revision.key}.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> str:
        port = free_port()
        with self.log.open("w") as out:
            self.proc = await asyncio.create_subprocess_exec(
                self.revision.socbot,
                "serve",
                "slack",
                "--port",
                str(port),
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.returncode is None:
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return f"http://127.0.0.1:{port}"
            await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.revision.label} did not start: {self.tail()}")

    def tail(self) -> str:
        return " | ".join(self.log.read_text(errors="replace").splitlines()[-5:])

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


# -- the phase -----------------------------------------------------------------------------------


@dataclass
class Config:
    dataset: Dataset
    pg: str = PG_URL
    baseline: str | None = "083e868"
    seconds: float = 30.0  # measured, per number in flight
    warmup: float = 10.0
    in_flight: tuple[int, ...] = (32, 64)
    delivering_seconds: float = 60.0  # 0: skip the measurement while delivering
    delivering_in_flight: int = 16
    latency: float = 0.1  # seconds per chat.postMessage
    prefix: str = "sb_serve"  # the databases: <prefix>_<head|base>_<dataset>, <prefix>_*_run
    log: Callable[[str], None] = print


class Rig:
    """One revision's server on a fresh copy of its store, with its own Slack stand-in."""

    def __init__(self, revision: revisions.Revision, database: str, cfg: Config, logs: Path):
        self.revision, self.database, self.cfg, self.logs = revision, database, cfg, logs
        self.copy = f"{cfg.prefix}_{revision.key}_run"
        self.standin = Standin(cfg.latency)
        self.runner = web.AppRunner(self.standin.app(), access_log=None)
        self.warm = False

    async def __aenter__(self) -> Rig:
        self.url = await asyncio.to_thread(
            revisions.copy_store, self.cfg.pg, self.database, self.copy
        )
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        api = "http://127.0.0.1:{}".format(*self.runner.addresses[0][1:2])
        self.server = Server(self.revision, self.url, api, self.logs)
        self.driver = Driver(await self.server.start(), f"{api}/respond", self.standin)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.server.stop()
        await self.runner.cleanup()
        await asyncio.to_thread(revisions.drop_store, self.cfg.pg, self.copy)

    async def throughput(self, n: int) -> Figures:
        warmup = self.cfg.warmup if not self.warm else self.cfg.warmup / 2
        cpu, wall = time.process_time(), time.monotonic()
        got = await self.driver.load(n, self.cfg.seconds, warmup=warmup)
        busy = (time.process_time() - cpu) / (time.monotonic() - wall)  # the runner's own share
        self.warm = True
        self.cfg.log(
            f"serving: {self.revision.label}, {n} in flight: {got.per_s:.1f} commands/s, "
            f"p50 {got.p50 * 1000:.0f} ms, p99 {got.p99 * 1000:.0f} ms, "
            f"{got.errors} errors {got.samples}; the runner used {busy:.0%} of a CPU"
        )
        return got

    async def delivering(self, sweep: dict[str, Any]) -> dict[str, Any]:
        """On a store a nudge sweep has just filled: the load from the first post on, while the
        server's scheduler delivers the sweep's messages."""
        posts, t = self.standin.posts, time.monotonic()
        got = await self.driver.load(
            self.cfg.delivering_in_flight,
            self.cfg.delivering_seconds,
            warmup=1.0,
            ready=lambda: bool(posts),  # the scheduler delivers every 20 s
            ready_within=FIRST_POST,
        )
        window = [i for i, p in enumerate(posts) if got.start <= p <= got.end]
        posted, people = len(window), len({self.standin.to[i] for i in window})
        self.cfg.log(
            f"serving: {self.revision.label} while delivering ({posted} posts to {people} "
            f"people, the first {got.start - t:.0f} s after the server started): p99 "
            f"{got.p99 * 1000:.0f} ms, max {got.max * 1000:.0f} ms, {got.over_3s} over 3 s, "
            f"{got.errors} errors {got.samples}"
        )
        return {"figures": got, **sweep, "posted": posted, "people": people}


async def measure(
    chosen: list[revisions.Revision], prepared: list[Prepared], cfg: Config, logs: Path
) -> list[dict[str, Any]]:
    """Throughput: every revision's server up at once, idle but for its turn, so a change in
    the machine's load hits all alike. Then, one at a time, each on its swept store."""
    found: list[dict[str, Any]] = [
        {"label": rev.label, "key": rev.key, "throughput": []} for rev in chosen
    ]
    async with contextlib.AsyncExitStack() as stack:
        rigs = [
            await stack.enter_async_context(Rig(rev, ready.store, cfg, logs))
            for rev, ready in zip(chosen, prepared, strict=True)
        ]
        for n in cfg.in_flight:
            for rig, mine in zip(rigs, found, strict=True):
                mine["throughput"].append(await rig.throughput(n))
    for rev, ready, mine in zip(chosen, prepared, found, strict=True):
        if ready.swept is not None:
            async with Rig(rev, ready.swept, cfg, logs) as rig:
                mine["delivering"] = await rig.delivering(ready.sweep)
    return found


@dataclass
class Prepared:
    """One revision's cached stores: as generated, and after a nudge sweep (None: not needed)."""

    store: str
    swept: str | None = None
    sweep: dict[str, Any] = field(default_factory=dict)


def prepare(rev: revisions.Revision, cfg: Config) -> Prepared:
    store = revisions.ensure_store(
        rev, cfg.dataset.name, cfg.dataset.spec, pg=cfg.pg, prefix=cfg.prefix, log=cfg.log
    )
    if not cfg.delivering_seconds:
        return Prepared(store)
    swept, sweep = revisions.ensure_swept(rev, store, pg=cfg.pg, log=cfg.log)
    return Prepared(store, swept, sweep)


def run_phase(cfg: Config) -> dict[str, Any]:
    """Build (or reuse) each revision and its stores, then measure them side by side."""
    start = time.perf_counter()
    chosen = [revisions.current()]
    if cfg.baseline and cfg.baseline != "none":
        chosen.append(revisions.baseline(cfg.baseline, log=cfg.log))
    with ThreadPoolExecutor(max_workers=2) as pool:  # two revisions at a time, one per core
        prepared = list(pool.map(lambda rev: prepare(rev, cfg), chosen))
    logs = Path(tempfile.mkdtemp(prefix="socbot-serving-"))
    measured = asyncio.run(measure(chosen, prepared, cfg, logs))
    return {
        "store": cfg.dataset.name,
        "describe": cfg.dataset.describe(),
        "revisions": measured,
        "seconds": time.perf_counter() - start,
        "config": {
            "seconds": cfg.seconds,
            "warmup": cfg.warmup,
            "latency": cfg.latency,
            "delivering_seconds": cfg.delivering_seconds,
            "delivering_in_flight": cfg.delivering_in_flight,
        },
        "logs": str(logs),
    }


# -- the report ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def report(found: dict[str, Any]) -> list[str]:
    """Markdown: the throughput table with new / old ratios, then the one while delivering."""
    cfg, revs = found["config"], found["revisions"]
    out = [
        f"## Serving throughput: `socbot serve slack` on loopback ({found['store']}, PostgreSQL)",
        "",
        f"Signed `/ocg` commands from @bench.lro (40% status, 20% list, 20% action, 20% done), "
        f"each in-flight slot sending its next when the last is answered; {cfg['seconds']:.0f} s "
        f"measured per row after {cfg['warmup']:.0f} s of warm-up. Latency: request sent to the "
        "answer reaching the user (the ack, or the response_url post).",
        "",
        "| revision | in flight | commands/s | p50 ms | p99 ms | answers over 3 s "
        "| acks over 3 s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [(f, rev) for rev in revs for f in rev["throughput"]]
    for f, rev in sorted(rows, key=lambda row: row[0].in_flight):  # pairs side by side
        out.append(
            f"| {rev['label']} | {f.in_flight} | {f.per_s:.1f} | {ms(f.p50)} "
            f"| {ms(f.p99)} | {f.over_3s} | {f.acks_over_3s} | {f.errors} |"
        )
    if ratios(found):
        each = ", ".join(f"{r:.2f}x at {n} in flight" for n, r in ratios(found).items())
        out += ["", f"This tree's commands/s over the baseline's: {each}."]
    delivering = [rev for rev in revs if "delivering" in rev]
    if delivering:
        out += [
            "",
            f"### While delivering a nudge sweep ({cfg['latency'] * 1000:.0f} ms per "
            f"chat.postMessage, {cfg['delivering_in_flight']} in flight, "
            f"{cfg['delivering_seconds']:.0f} s)",
            "",
            "| revision | queued (for Slack) | the sweep took | posted in the window (to people) "
            "| commands | p50 ms | p99 ms | max ms | over 3 s | acks over 3 s | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for rev in delivering:
            d, f = rev["delivering"], rev["delivering"]["figures"]
            out.append(
                f"| {rev['label']} | {d['queued']:,} ({d['slack']:,}) | {d['seconds']} s "
                f"| {d['posted']:,} ({d['people']:,}) | {f.commands} | {ms(f.p50)} | {ms(f.p99)} "
                f"| {ms(f.max)} | {f.over_3s} | {f.acks_over_3s} | {f.errors} |"
            )
    return out


def ratios(found: dict[str, Any]) -> dict[int, float]:
    """This tree's commands/s over the baseline's, by number in flight."""
    by = {rev["key"]: {f.in_flight: f for f in rev["throughput"]} for rev in found["revisions"]}
    head, base = by.get("head", {}), by.get("base", {})
    return {n: head[n].per_s / base[n].per_s for n in head if n in base and base[n].per_s}


def targets(found: dict[str, Any]) -> list[str]:
    lines = []
    at32 = ratios(found).get(32)
    if at32 is None:
        lines.append(
            "NOT MEASURED: serving throughput at 32 in flight >= 2x the baseline "
            "(no baseline in this run)"
        )
    else:
        lines.append(
            f"{'MET' if at32 >= 2 else 'MISSED'}: serving throughput at 32 in flight "
            f">= 2x the baseline ({at32:.1f}x)"
        )
    for rev in found["revisions"]:
        if rev["key"] == "head" and "delivering" in rev:
            f = rev["delivering"]["figures"]
            ok = f.over_3s == 0 and f.acks_over_3s == 0 and f.errors == 0
            lines.append(
                f"{'MET' if ok else 'MISSED'}: no command over 3 s while a nudge sweep "
                f"is delivered at {found['config']['latency'] * 1000:.0f} ms per post "
                f"({f.over_3s} over 3 s, max {ms(f.max)} ms, {f.errors} errors)"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.serving", description=__doc__)
    p.add_argument("--quick", action="store_true", help="the quick store, a few seconds a row")
    p.add_argument("--baseline", default="083e868", help="an old revision to run beside, or none")
    p.add_argument("--pg-url", default=os.environ.get("SOCBOT_BENCH_PG", PG_URL))
    p.add_argument(
        "--prefix",
        default=Config.prefix,
        help=f"the databases' name prefix (default {Config.prefix}): <prefix>_<head|base>_<store>",
    )
    p.add_argument("--seconds", type=float, help="measured per row (default 30; quick 5)")
    p.add_argument("--warmup", type=float, help="seconds before measuring (default 10; quick 2)")
    p.add_argument(
        "--delivering",
        type=float,
        help="seconds measured while delivering (default 60; quick 10; 0 skips)",
    )
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # as Ctrl-C: servers stopped
    cfg = config(args.quick, args.pg_url, args.baseline, log=lambda s: print(s, file=sys.stderr))
    cfg.seconds = args.seconds or cfg.seconds
    cfg.prefix = args.prefix
    cfg.warmup = args.warmup if args.warmup is not None else cfg.warmup
    if args.delivering is not None:
        cfg.delivering_seconds = args.delivering
    found = run_phase(cfg)
    print("\n".join([*report(found), "", *(f"- {line}" for line in targets(found))]))
    return (
        0
        if all(
            f.errors == 0 for r in found["revisions"] if r["key"] == "head" for f in r["throughput"]
        )
        else 1
    )


def config(
    quick: bool, pg: str, baseline: str | None, *, log: Callable[[str], None] = print
) -> Config:
    """The phase's settings for a full or a quick run."""
    if quick:
        return Config(QUICK[0], pg, baseline, seconds=5, warmup=2, delivering_seconds=10, log=log)
    return Config(FULL[0], pg, baseline, log=log)


if __name__ == "__main__":
    raise SystemExit(main())
