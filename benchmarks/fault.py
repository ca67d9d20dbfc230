"""``python -m benchmarks.fault``: replicas on one PostgreSQL database, one of them killed.

Two ``socbot serve slack`` processes and two ``socbot nudge --once`` sweepers share a fresh
PostgreSQL schema; a Slack stand-in answers ``chat.postMessage`` after ``--latency`` seconds (100 ms
is close to real Slack). While the sweeps' messages are delivered, writer threads add actions and
readers ask for ``status`` through both replicas, signed as Slack signs; ``--kill-after`` seconds
after the first message is posted, replica A is killed with SIGKILL. The runner then waits for
the outbox to drain and prints what a force would ask of a failure:

- lost writes (a write whose success reached the user, absent from the store) and duplicate rows;
- lost messages (queued for someone Slack reaches, never posted) and duplicates (posted twice);
  the design allows at most one duplicate: the message replica A was posting when it died;
- read and write latency while delivering (p50, p99, how many over Slack's 3 s);
- ``socbot audit verify`` afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from benchmarks import generate as gen
from benchmarks.faces import SECRET, TOKEN, Loopback
from benchmarks.stores import PG_URL
from benchmarks.world import BENCH_LRO, BENCH_SLACK, NOW, Spec

SCHEMA = "fault"
WRITE = 'action OCG-0042 pursue @{lro} "fault write {n}: check the unit {n}" by 20/03/2027'


class Standin:
    """Slack's Web API and response_urls: records each post and each reply to a command."""

    def __init__(self, latency: float):
        self.latency = latency
        self.posts: list[tuple[str, str]] = []  # (which replica's token, the post's content)
        self.replies: dict[str, tuple[float, str]] = {}  # response_url name -> (when, text)
        self.lock = threading.Lock()

    def app(self) -> web.Application:
        async def api(request: web.Request) -> web.Response:
            method = request.match_info["method"]
            form = dict(await request.post()) if request.can_read_body else {}
            if request.content_type == "application/json":
                form = await request.json()
            if method == "auth.test":
                return web.json_response({"ok": True, "user_id": "UBOT", "team_id": "T0BENCH"})
            if method == "chat.postMessage":
                await asyncio.sleep(self.latency)
                key = json.dumps([form.get("channel"), form.get("text"), form.get("blocks")])
                token = request.headers.get("Authorization", "").removeprefix("Bearer ")
                with self.lock:
                    self.posts.append((token, key))
                return web.json_response({"ok": True, "channel": form.get("channel"), "ts": "1"})
            return web.json_response({"ok": True})

        async def respond(request: web.Request) -> web.Response:
            body = await request.json()
            with self.lock:
                self.replies.setdefault(
                    request.match_info["name"], (time.monotonic(), body.get("text", ""))
                )
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_route("*", "/api/{method}", api)
        app.router.add_post("/respond/{name}", respond)
        return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def signed(base: str, text: str, response_url: str) -> tuple[float, int, str]:
    """One ``/ocg`` as Slack sends it; returns (seconds to the HTTP answer, status, body)."""
    import http.client

    form = urlencode(
        {
            "team_id": "T0BENCH",
            "channel_id": "C0FAULT",
            "user_id": BENCH_SLACK,
            "command": "/ocg",
            "text": text,
            "response_url": response_url,
            "trigger_id": f"1.{uuid.uuid4().int % 10**9}.t",
        }
    )
    ts = str(int(time.time()))
    sig = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=form)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sig,
    }
    start = time.monotonic()
    try:
        conn.request("POST", "/slack/events", form.encode(), headers)
        response = conn.getresponse()
        return time.monotonic() - start, response.status, response.read().decode()
    except OSError as exc:  # the killed replica
        return time.monotonic() - start, 0, type(exc).__name__
    finally:
        conn.close()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.fault", description=__doc__.split("\n")[0]
    )
    p.add_argument("--pg-url", default=os.environ.get("SOCBOT_BENCH_PG", PG_URL))
    p.add_argument("--overdue", type=int, default=400, help="overdue actions to nudge about")
    p.add_argument("--latency", type=float, default=0.1, help="seconds per chat.postMessage")
    p.add_argument("--kill-after", type=float, default=5.0, help="seconds after the first post")
    p.add_argument("--writers", type=int, default=4)
    p.add_argument("--drain", type=float, default=300.0, help="longest wait for the outbox")
    args = p.parse_args(argv)
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731

    spec = Spec(scale=0.05, history=0.1, overdue=args.overdue, reviews_due=5)
    say(f"fault: generating schema {SCHEMA!r} ({args.overdue} overdue actions)")
    gen.load_postgres(spec, args.pg_url, SCHEMA)
    url = gen.pg_url(args.pg_url.replace("postgresql://", "postgresql+psycopg://"), SCHEMA)

    standin = Standin(args.latency)
    loop = Loopback()
    api = loop.serve(standin.app)
    env = {
        **os.environ,
        "SOCBOT_DATABASE_URL": url,
        "SOCBOT_NOW": NOW,
        "SOCBOT_RATE_LIMIT": "1000000",
        "SOCBOT_SLACK_API_URL": f"{api}/api/",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
    }
    # this interpreter's own socbot (its virtualenv), not whichever comes first on PATH
    beside = Path(sys.executable).parent / "socbot"
    exe = str(beside) if beside.exists() else shutil.which("socbot") or "socbot"
    ports = [free_port(), free_port()]
    replicas = [  # each with its own token, so the stand-in knows who posted
        subprocess.Popen(
            [exe, "serve", "slack", "--port", str(port)],
            env={**env, "SLACK_BOT_TOKEN": f"{TOKEN}-{i}"},
            stdout=subprocess.PIPE,
        )
        for i, port in enumerate(ports)
    ]
    for proc in replicas:
        assert proc.stdout is not None
        proc.stdout.readline()  # the banner: listening
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    say(f"fault: replicas A {bases[0]} and B {bases[1]}; Slack stand-in at {api}")

    import psycopg

    conn = psycopg.connect(args.pg_url, options=f"-csearch_path={SCHEMA}", autocommit=True)
    mark = conn.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0]
    sweepers = [
        subprocess.Popen([exe, "nudge", "--once"], env=env, stdout=subprocess.DEVNULL)
        for _ in range(2)
    ]
    stop = threading.Event()
    reads: list[float] = []
    writes: dict[str, str] = {}  # response_url name -> description written
    sent_at: dict[str, float] = {}
    counter = iter(range(10**9))

    alive = list(bases)

    def writer(k: int) -> None:
        while not stop.is_set():
            n = next(counter)
            base = alive[n % len(alive)]
            name = f"w{n}"
            writes[name] = f"fault write {n}: check the unit {n}"
            sent_at[name] = time.monotonic()
            signed(base, WRITE.format(lro=BENCH_LRO, n=n), f"{api}/respond/{name}")
            took, _, _ = signed(base, "status OCG-0042", f"{api}/respond/r{n}")
            reads.append(took)
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(k,), daemon=True) for k in range(args.writers)]
    for t in threads:
        t.start()
    while not standin.posts:
        time.sleep(0.05)
    first = time.monotonic()
    time.sleep(args.kill_after)
    victim = int(standin.posts[-1][0].rsplit("-", 1)[1])  # the replica posting right now
    replicas[victim].send_signal(signal.SIGKILL)
    replicas[victim].wait()
    alive.remove(bases[victim])
    after = time.monotonic() - first
    say(f"fault: killed replica {victim} {after:.1f} s after the first post, mid-delivery")
    time.sleep(5)
    stop.set()
    for t in threads:
        t.join(30)
    for proc in sweepers:
        proc.wait(120)

    reachable = (
        "SELECT count(*) FROM outbox o WHERE o.status {} AND EXISTS (SELECT 1 FROM identity i "
        "WHERE i.person_id = o.person_id AND i.platform = 'slack') AND o.id > %s"
    )
    deadline = time.monotonic() + args.drain
    while time.monotonic() < deadline:
        left = conn.execute(reachable.format("= 'pending'"), (mark,)).fetchone()[0]
        if not left:
            break
        say(f"fault: {left} messages still pending")
        time.sleep(5)
    survivor = replicas[1 - victim]
    survivor.send_signal(signal.SIGTERM)
    survivor.wait(30)
    loop.close()

    acked = [n for n, (_, text) in standin.replies.items() if n in writes and "Action" in text]
    rows = Counter(
        d
        for (d,) in conn.execute(
            "SELECT description FROM action WHERE description LIKE 'fault write %%'"
        )
    )
    lost_writes = sum(1 for n in acked if rows[writes[n]] == 0)
    duplicate_rows = sum(c - 1 for c in rows.values() if c > 1)
    write_times = [standin.replies[n][0] - sent_at[n] for n in acked]
    posts = Counter(key for _, key in standin.posts)
    duplicates = sum(c - 1 for c in posts.values())
    pending = conn.execute(reachable.format("= 'pending'"), (mark,)).fetchone()[0]
    marked_sent = conn.execute(reachable.format("= 'sent'"), (mark,)).fetchone()[0]
    lost_messages = pending + max(0, marked_sent - len(posts))
    verify = subprocess.run([exe, "audit", "verify"], env=env, capture_output=True, text=True)
    print(
        f"lost writes {lost_writes} of {len(acked)} acknowledged; duplicate rows {duplicate_rows}"
    )
    print(
        f"messages: {len(posts)} posted once or more, {duplicates} duplicates, {lost_messages} lost"
    )
    for what, times in (("reads ", reads), ("writes", write_times)):
        p50, p99 = pct(times, 0.5) * 1000, pct(times, 0.99) * 1000
        late = sum(1 for t in times if t > 3)
        print(f"{what} p50 {p50:.0f} ms, p99 {p99:.0f} ms, {late} of {len(times)} over 3 s")
    verdict = (verify.stdout or verify.stderr).strip().splitlines()[-1:]
    print(f"audit verify: exit {verify.returncode}: {' '.join(verdict)}")
    ok = lost_writes == 0 and duplicate_rows == 0 and lost_messages == 0 and duplicates <= 1
    return 0 if ok and verify.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
