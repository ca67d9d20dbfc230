"""Guards against replays and floods, on the shared state (``socbot.shared_state``) so that every
replica agrees.

``first_time`` claims a request or event key for ``REPLAY_WINDOW``: longer than a Slack signature
stays valid (five minutes either side of its timestamp) and than Slack's last retry of an event,
so a replay inside the window finds its key and, after it, fails the signature check. ``Rates``
counts each sender's commands in fixed one-minute windows, shared by the replicas (see
``Rates.admit`` for how few writes that takes).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from socbot.shared_state import Shared

REPLAY_WINDOW = timedelta(minutes=10)
RATE_WINDOW = timedelta(minutes=1)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def first_time(shared: Shared, key: str) -> bool:
    """True the first time ``key`` is seen within the window; atomic across replicas."""
    return shared.claim(key, REPLAY_WINDOW)


class Rates:
    """Commands per key in fixed one-minute windows on the wall clock (09:00:00 to 09:01:00),
    the same windows on every replica."""

    def __init__(self, shared: Shared):
        self.shared = shared
        self._lock = threading.Lock()
        self._window = -1
        self._seen: dict[str, list[int]] = {}  # key -> [count the store last gave, hits since]

    def hit(self, key: str) -> int:
        """Count one more for ``key`` in the store now; the count so far across replicas, this
        one included (exactly one caller, on any replica, sees 1 in a window)."""
        _, left = self._now()
        return self.shared.hit("rate:" + key[:200], left)

    def admit(self, key: str, limit: int) -> tuple[int, bool]:
        """Count one more for ``key``: (its count this window, whether this call is the one that
        took it past ``limit``: audit that one).

        Why not one write per command: that was a fifth of ``status``. A sender's hits are
        counted here and written to the shared store only once this replica's estimate (the
        count the store last gave plus the hits since) passes half the limit; from then on every
        hit is written, with the unwritten ones added, and refusals are decided on the store's
        atomic count, so exactly one call, on any replica, sees it pass the limit. Alone (SQLite
        is one process) the count is exact. With R replicas each holds back at most half the
        limit, so a sender spreading a flood gets at most limit + (R - 1) * limit // 2 through
        in a window (45 for 30 on two replicas) before every replica refuses; people sending
        fewer than half the limit a minute cost no write at all."""
        window, left = self._now()
        with self._lock:
            if window != self._window:  # a new minute: last minute's counts are done with
                self._window, self._seen = window, {}
            seen = self._seen.setdefault(key, [0, 0])
            seen[1] += 1
            if seen[0] + seen[1] <= limit // 2:
                return seen[0] + seen[1], False
            by, seen[1] = seen[1], 0
        count = self.shared.hit("rate:" + key[:200], left, by)
        with self._lock:
            if window == self._window:
                seen[0] = max(seen[0], count)
        return count, count - by <= limit < count

    def _now(self) -> tuple[int, timedelta]:
        """The current window's number and the time left in it."""
        since = self.shared.now() - _EPOCH
        window = int(since / RATE_WINDOW)
        return window, (window + 1) * RATE_WINDOW - since
