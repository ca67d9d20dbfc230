"""Delivery under leases, with two replicas (two bots, one PostgreSQL store) posting to a local
HTTP stand-in: each message is posted once, and a replica killed between posting and recording
leaves exactly one message to be posted again once its lease expires."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from socbot import Reply, hookimpl
from socbot.delivery import deliver_due
from socbot.outbox import Delivery, enqueue
from socbot.plugins import get_plugin_manager
from socbot.store.models import Identity, Outbox, Person

posts: Counter[int] = Counter()


class StandIn(BaseHTTPRequestHandler):
    """A chat API that takes 20 ms per post and counts what it was sent; ``limited`` posts are
    answered 429 with a Retry-After."""

    limited = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(0.02)
        if StandIn.limited > 0:
            StandIn.limited -= 1
            self.send_response(429)
            self.send_header("Retry-After", "60")
            self.end_headers()
            return
        posts[body["id"]] += 1
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args: object) -> None:
        pass


class Killed(BaseException):
    """The process dying: nothing after it runs (not an ``Exception`` a face would catch)."""


class Poster:
    def __init__(self, url: str, die_after: int | None = None) -> None:
        self.url, self.die_after, self.count = url, die_after, 0

    @hookimpl
    def deliver_message(self, message):  # type: ignore[no-untyped-def]
        data = json.dumps({"id": message.id}).encode()
        try:
            urllib.request.urlopen(urllib.request.Request(self.url, data=data), timeout=5).read()
        except urllib.error.HTTPError as exc:
            wait = float(exc.headers["Retry-After"])
            return Delivery(False, "slack", f"HTTP {exc.code}", retry_after=wait)
        self.count += 1
        if self.die_after is not None and self.count >= self.die_after:
            raise Killed  # posted, never recorded
        return Delivery(True, "test")


@pytest.fixture
def stand_in() -> Iterator[str]:
    posts.clear()
    StandIn.limited = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/chat.postMessage"
    server.shutdown()


def replica(make_bot, engine, poster, demo=False):  # type: ignore[no-untyped-def]
    pm = get_plugin_manager(load_entrypoints=False, allow="help,actions,ocg,plan,nominals")
    pm.register(poster, name="poster")
    return make_bot(engine, plugins=pm, demo=demo)


def queue(bot, n: int) -> None:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session, session.begin():
        person = session.exec(select(Person).order_by(Person.id)).first()
        for i in range(n):
            reply = Reply(title=f"message {i}")
            enqueue(session, key=f"m{i}", kind="ping", reply=reply, now=bot.clock.utcnow(),
                    person_id=person.id)  # fmt: skip


def expire_leases(bot) -> None:  # type: ignore[no-untyped-def]
    """Leases run by the wall clock: move them into the past rather than wait five minutes."""
    with Session(bot.engine) as session, session.begin():
        session.exec(  # type: ignore[call-overload]
            update(Outbox)
            .where(col(Outbox.lease_until).is_not(None))
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )


def statuses(bot) -> Counter[str]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        return Counter(session.exec(select(Outbox.status)).all())


def test_two_replicas_post_each_message_once(make_bot, pg_engine, stand_in):  # type: ignore[no-untyped-def]
    one = replica(make_bot, pg_engine, Poster(stand_in), demo=True)
    two = replica(make_bot, pg_engine, Poster(stand_in))
    queue(one, 40)
    results: list[dict[str, int]] = []
    threads = [
        threading.Thread(target=lambda b=b: results.append(deliver_due(b, batch=3)))
        for b in (one, two)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(posts.values()) == [1] * 40
    assert sum(r["sent"] for r in results) == 40
    assert all(r["sent"] > 0 for r in results)  # both replicas did some of the work
    assert statuses(one) == {"sent": 40}


def test_a_replica_killed_after_posting_resends_at_most_that_message(
    make_bot, any_engine, stand_in
):  # type: ignore[no-untyped-def]
    doomed = replica(make_bot, any_engine, Poster(stand_in, die_after=3), demo=True)
    other = replica(make_bot, any_engine, Poster(stand_in))
    queue(doomed, 12)
    lease = timedelta(minutes=5)
    with pytest.raises(Killed):
        deliver_due(doomed, batch=5, lease=lease)
    # the doomed run's lease still holds rows 4 and 5 of its batch and the one it was posting
    assert deliver_due(other, batch=5, lease=lease)["sent"] == 7
    assert statuses(other) == {"sent": 9, "sending": 1, "pending": 2}
    expire_leases(other)  # five minutes pass: the dead replica's lease runs out
    assert deliver_due(other, batch=5, lease=lease)["sent"] == 3
    assert statuses(other) == {"sent": 12}
    assert sum(posts.values()) == 13
    assert sorted(posts.values()) == [1] * 11 + [2]  # one message posted twice, no more


def test_a_429_holds_the_workspace_for_both_replicas(make_bot, pg_engine, stand_in):  # type: ignore[no-untyped-def]
    one = replica(make_bot, pg_engine, Poster(stand_in), demo=True)
    two = replica(make_bot, pg_engine, Poster(stand_in))
    with Session(pg_engine) as session, session.begin():
        person = session.exec(select(Person).order_by(Person.id)).first()
        session.add(Identity(person_id=person.id, platform="slack", external_id="U1",
                             linked_at=person.created_at))  # fmt: skip
    queue(one, 5)
    StandIn.limited = 1
    first = deliver_due(one, batch=5)
    assert (first["failed"], first["sent"], first["held"]) == (1, 0, 4)
    second = deliver_due(two, batch=5)  # the other replica waits too: nothing is posted
    assert second == {"sent": 0, "failed": 0, "unreachable": 0}
    assert sum(posts.values()) == 0
    assert statuses(two) == {"pending": 5}
    with Session(pg_engine) as session:
        rows = session.exec(select(Outbox)).all()
        assert sorted(r.attempts for r in rows) == [0, 0, 0, 0, 1]  # only the 429 counts
        due = min(r.next_attempt_at for r in rows) - one.clock.utcnow()
        assert timedelta(seconds=55) < due <= timedelta(seconds=60)
