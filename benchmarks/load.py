"""The load for ``benchmarks.serving``: @bench.lro typing the command mix at a Slack server.

``Driver`` keeps N commands in flight (each slot sends its next when the last is answered) and
records each as the user saw it (``Done``); ``Standin`` is Slack's side in the same event loop:
the Web API (``chat.postMessage`` answered after a latency) and the response_urls, where a
write's answer arrives; ``figures`` sums a window up.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from benchmarks.faces import slash
from benchmarks.world import BENCH_LRO

PILLARS = ("pursue", "prevent", "protect", "prepare")
OCGS = ("OCG-0042", "OCG-0043", "OCG-0041", "OCG-0044")  # all four are @bench.lro's
# one slot's cycle: 40% status, 20% listing, 20% action (a write), 20% done (a write)
CYCLE = ("status", "action", "list", "status", "done",
         "status", "action", "actions", "status", "done")  # fmt: skip
ADDED = re.compile(r"Action #(\d+) added")
ANSWER_TIMEOUT = 60.0  # seconds to wait for a response_url post before calling it lost


@dataclass
class Done:
    """One command as the user saw it."""

    kind: str
    start: float
    end: float
    ack: float  # seconds to the HTTP answer (Slack gives up after 3)
    ok: bool
    text: str = ""


@dataclass
class Figures:
    in_flight: int
    seconds: float
    commands: int
    per_s: float
    p50: float
    p99: float
    max: float
    over_3s: int
    acks_over_3s: int
    errors: int
    start: float  # the window, on the monotonic clock
    end: float
    samples: list[str] = field(default_factory=list)  # the first few errors, for the log


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def figures(done: list[Done], in_flight: int, t0: float, t1: float) -> Figures:
    """Commands/s: right answers that arrived inside the window [t0, t1]. Latencies, errors:
    every command in flight at any time inside it, however long it took (a stalled one counts
    in full, even when it was sent before the window opened)."""
    inside = [d for d in done if d.start <= t1 and d.end >= t0]
    took = [d.end - d.start for d in inside]
    bad = [d for d in inside if not d.ok]
    return Figures(
        in_flight=in_flight,
        seconds=t1 - t0,
        commands=len(inside),
        per_s=sum(1 for d in done if d.ok and t0 <= d.end <= t1) / (t1 - t0),
        p50=pct(took, 0.5),
        p99=pct(took, 0.99),
        max=max(took, default=0.0),
        over_3s=sum(1 for t in took if t > 3),
        acks_over_3s=sum(1 for d in inside if d.ack > 3),
        errors=len(bad),
        start=t0,
        end=t1,
        samples=[f"{d.kind}: {d.text[:160]!r}" for d in bad[:3]],
    )


class Standin:
    """Slack's Web API (``chat.postMessage`` answered after ``latency``) and response_urls,
    in the driver's own event loop, so waiting for an answer costs a future, not a thread."""

    def __init__(self, latency: float):
        self.latency = latency
        self.posts: list[float] = []  # when each chat.postMessage was answered
        self.to: list[str] = []  # and to whom (a Slack user id: the DM)
        self.waiting: dict[str, asyncio.Future[tuple[float, str]]] = {}

    def app(self) -> web.Application:
        async def api(request: web.Request) -> web.Response:
            method = request.match_info["method"]
            if method == "auth.test":
                return web.json_response({"ok": True, "user_id": "UBOT", "team_id": "T0BENCH"})
            if request.content_type == "application/json":
                form = await request.json()
            else:
                form = dict(await request.post())
            if method == "chat.postMessage":
                await asyncio.sleep(self.latency)
                self.posts.append(time.monotonic())
                self.to.append(str(form.get("channel")))
            return web.json_response({"ok": True, "channel": "D0BENCH", "ts": "1.0"})

        async def respond(request: web.Request) -> web.Response:
            body = await request.json()
            heard = self.waiting.pop(request.match_info["name"], None)
            if heard is not None and not heard.done():
                heard.set_result((time.monotonic(), str(body.get("text", ""))))
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_route("*", "/api/{method}", api)
        app.router.add_post("/respond/{name}", respond)
        return app


class Driver:
    """Workers typing the command mix at one server; each keeps one command in flight."""

    def __init__(self, base: str, respond: str, standin: Standin):
        self.url, self.respond, self.standin = f"{base}/slack/events", respond, standin
        self.names = itertools.count()

    async def command(self, session: aiohttp.ClientSession, kind: str, text: str) -> Done:
        name = f"c{next(self.names)}"
        heard = asyncio.get_running_loop().create_future()
        self.standin.waiting[name] = heard
        body, headers = slash(text, f"{self.respond}/{name}")
        start = time.monotonic()
        try:
            async with session.post(self.url, data=body, headers=headers) as response:
                status, answer = response.status, await response.text()
            ack = time.monotonic() - start
            if status != 200:
                return Done(kind, start, time.monotonic(), ack, False, f"HTTP {status} {answer}")
            said = json.loads(answer).get("text", "") if answer.strip() else ""
            if said:  # answered inside the ack
                self.standin.waiting.pop(name, None)
                end = start + ack
            else:
                end, said = await asyncio.wait_for(heard, ANSWER_TIMEOUT)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            self.standin.waiting.pop(name, None)
            now = time.monotonic()
            return Done(kind, start, now, now - start, False, f"{type(exc).__name__}: {exc}")
        return Done(kind, start, end, ack, True, said)

    async def worker(self, k: int, stop: asyncio.Event, done: list[Done]) -> None:
        added: list[str] = []  # actions this worker added and has not closed yet
        async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT),
        ) as session:
            for i in itertools.count(k):  # workers start at different points of the cycle
                if stop.is_set():
                    return
                kind, n = CYCLE[i % len(CYCLE)], next(self.names)
                ocg = OCGS[i % len(OCGS)]
                if kind == "done" and not added:
                    kind = "status"  # its action failed: nothing to close
                text, expect = typed(kind, ocg, n, added)
                found = await self.command(session, kind, text)
                if found.ok and not re.search(expect, found.text):
                    found.ok = False
                if found.ok and kind == "action":
                    added.append(ADDED.search(found.text).group(1))  # type: ignore[union-attr]
                done.append(found)

    async def load(
        self,
        in_flight: int,
        seconds: float,
        *,
        warmup: float,
        ready: Callable[[], bool] = lambda: True,
        ready_within: float = 60.0,
    ) -> Figures:
        """Run ``in_flight`` workers: warm up, wait until ``ready()`` (at most
        ``ready_within`` seconds), measure ``seconds``, then let the last commands finish."""
        stop, done = asyncio.Event(), []  # type: ignore[var-annotated]
        tasks = [asyncio.create_task(self.worker(k, stop, done)) for k in range(in_flight)]
        await asyncio.sleep(warmup)
        deadline = time.monotonic() + ready_within
        while not ready() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        t0 = time.monotonic()
        await asyncio.sleep(seconds)
        t1 = time.monotonic()
        stop.set()
        await asyncio.wait(tasks, timeout=2 * ANSWER_TIMEOUT + 5)  # each ends within 2 timeouts
        return figures(done, in_flight, t0, t1)


def typed(kind: str, ocg: str, n: int, added: list[str]) -> tuple[str, str]:
    """What @bench.lro types for ``kind``, and a pattern its right answer matches."""
    if kind == "status":
        return f"status {ocg}", re.escape(ocg)
    if kind == "list":
        return "list mine", r"OCGs \(mine\)"
    if kind == "actions":
        return "actions mine", r"Your open actions"
    if kind == "action":
        pillar = PILLARS[n % len(PILLARS)]
        what = f"serving check {n}: visit the car wash on Mill Lane"
        return f'action {ocg} {pillar} @{BENCH_LRO} "{what}" by 20/03/2027', ADDED.pattern
    ref = added.pop(0)
    return f'done {ref} "serving check {n}: visited, nothing found" disrupt=no', (
        rf"Action #{ref} done"
    )
