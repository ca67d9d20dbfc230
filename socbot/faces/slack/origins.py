"""The message a modal was opened from, kept while the modal is open, so that submitting the form
can mark that message in place. The modal itself carries only a token (its metadata is small);
the message is in the shared state, so the modal may be submitted to any replica."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from socbot.shared_state import Shared

ORIGIN_TTL = timedelta(hours=1)  # how long a modal's message is remembered for marking it


class Origins:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared

    def keep(self, origin: dict[str, Any]) -> str:
        """Hold a message's blocks while its modal is open; the token goes in the modal."""
        token = secrets.token_urlsafe(9)
        self.shared.put(f"slack-origin:{token}", json.dumps(origin), ORIGIN_TTL)
        return token

    def of(self, meta: dict[str, Any]) -> dict[str, Any]:
        """The origin a submitted modal's metadata names, else what the metadata itself says."""
        token = meta.get("o")
        kept = self.shared.get(f"slack-origin:{str(token)[:40]}") if token else None
        if kept is not None:
            self.shared.drop(f"slack-origin:{str(token)[:40]}")
            origin: dict[str, Any] = json.loads(kept)
            return origin
        return {k: meta[k] for k in ("u", "r", "h", "c") if k in meta}
