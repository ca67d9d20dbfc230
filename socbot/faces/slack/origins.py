"""The message a modal was opened from, kept while the modal is open, so that submitting the form
can mark that message in place. The modal itself carries only a token (its metadata is small)."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from typing import Any

ORIGIN_TTL = 3600.0  # seconds a modal's message is remembered for marking it afterwards
KEPT = 1000  # origins remembered at once; the oldest go first


class Origins:
    def __init__(self) -> None:
        self._kept: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    def keep(self, origin: dict[str, Any]) -> str:
        """Hold a message's blocks while its modal is open; the token goes in the modal."""
        token = secrets.token_urlsafe(9)
        self._kept[token] = (time.monotonic(), origin)
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return token

    def of(self, meta: dict[str, Any]) -> dict[str, Any]:
        """The origin a submitted modal's metadata names, else what the metadata itself says."""
        kept = self._kept.pop(str(meta.get("o")), None)
        if kept and time.monotonic() - kept[0] < ORIGIN_TTL:
            return kept[1]
        return {k: meta[k] for k in ("u", "r", "h", "c") if k in meta}
