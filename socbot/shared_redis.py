"""Shared state in Redis (``SOCBOT_REDIS_URL``): the same calls as the store's, each one Redis
command or one MULTI/EXEC, with Redis's own expiry. Keys are prefixed ``socbot:`` so one Redis
database can be shared with other software."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import redis

PREFIX = "socbot:"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ms(ttl: timedelta) -> int:
    return max(1, int(ttl.total_seconds() * 1000))


class RedisShared:
    """``Shared`` on Redis; its pool is thread-safe, as the faces' worker threads need."""

    def __init__(self, url: str, now: Callable[[], datetime] = utcnow):
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.now = now  # for callers that reckon windows; Redis expires keys on its own clock

    def claim(self, key: str, ttl: timedelta, value: str = "1") -> bool:
        return bool(self.redis.set(PREFIX + key, value, nx=True, px=_ms(ttl)))

    def put(self, key: str, value: str, ttl: timedelta) -> None:
        self.redis.set(PREFIX + key, value, px=_ms(ttl))

    def get(self, key: str) -> str | None:
        value = self.redis.get(PREFIX + key)
        return None if value is None else str(value)

    def drop(self, key: str) -> None:
        self.redis.delete(PREFIX + key)

    def hit(self, key: str, window: timedelta, by: int = 1) -> int:
        """The window starts with the first hit (SET NX with its expiry), INCRBY keeps it."""
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(PREFIX + key, 0, nx=True, px=_ms(window))
            pipe.incrby(PREFIX + key, by)
            _, hits = pipe.execute()
        return int(hits)
