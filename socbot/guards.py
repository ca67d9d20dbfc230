"""Guards against replays and floods, on the shared state (``socbot.shared_state``) so that every
replica agrees.

``first_time`` claims a request or event key for ``REPLAY_WINDOW``: longer than a Slack signature
stays valid (five minutes either side of its timestamp) and than Slack's last retry of an event,
so a replay inside the window finds its key and, after it, fails the signature check. ``Rates``
counts each sender's commands in a fixed one-minute window. Both are one atomic call, correct with
any number of replicas on one database (or one Redis).
"""

from __future__ import annotations

from datetime import timedelta

from socbot.shared_state import Shared

REPLAY_WINDOW = timedelta(minutes=10)
RATE_WINDOW = timedelta(minutes=1)


def first_time(shared: Shared, key: str) -> bool:
    """True the first time ``key`` is seen within the window; atomic across replicas."""
    return shared.claim(key, REPLAY_WINDOW)


class Rates:
    """Commands per key in the current fixed one-minute window."""

    def __init__(self, shared: Shared):
        self.shared = shared

    def hit(self, key: str) -> int:
        """Count one more for ``key``; the count so far in its window, this one included."""
        return self.shared.hit("rate:" + key[:200], RATE_WINDOW)
