"""Every way in starts here, before anything is parsed or written: the sender's rate (shared by
every replica through the store), one size limit for typed text, button payloads and form values
alike, and the one fixed reply to someone socbot doesn't know. A flood, or a stranger, is
answered every time but audited once a window.

Splitting 2 MB of button ``args`` with shlex took 38 s of CPU (it grows the token one character
at a time) and dateparser 6 s more; neither sees more than ``MAX_TEXT``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from socbot import audit, metrics
from socbot.clock import Clock
from socbot.config import Settings
from socbot.guards import Rates
from socbot.identify import UNKNOWN_USER, Who
from socbot.model import Command, CommandError, Reply
from socbot.parser import MAX_TEXT

RATE_LIMITED = (
    "You're sending commands faster than I can take them. Please wait a minute and try again."
)
Refuse = Callable[[Command, Who, str, "str | None", CommandError], Reply]


def payload_size(fields: dict[str, str]) -> int:
    """Characters in a button's payload or a form's values, names included."""
    return sum(len(str(k)) + len(str(v)) for k, v in fields.items())


@dataclass(frozen=True)
class FrontDoor:
    """``refuse`` answers and audits a user error as the person (the bot's one transaction)."""

    engine: Engine
    clock: Clock
    rates: Rates
    settings: Settings
    refuse: Refuse

    def admit(
        self, who: Who, face: str, channel: str | None, verb: str, text: str, size: int
    ) -> Reply | None:
        """None admits; a Reply is the refusal."""
        limit = self.settings.rate_limit
        hits, first_over = self.rates.admit(f"{who.platform}:{who.id}", limit)
        if hits > limit:
            metrics.REFUSED.labels("rate limit").inc()
            if first_over:
                self._audit(who, face, channel, verb, text, "rate limit")
            return Reply.fail(RATE_LIMITED)
        if size > MAX_TEXT:
            metrics.REFUSED.labels("too long").inc()
            error = CommandError(
                f"That message is {size:,} characters long; the limit is {MAX_TEXT:,}. "
                "Put long notes in your case system and give a short summary here."
            )
            return self.refuse(Command(verb, text=text), who, face, channel, error)
        return None

    def stranger(self, who: Who, face: str, channel: str | None, command: Command) -> Reply:
        """The one reply to a sender who is not enrolled (or no longer active)."""
        metrics.REFUSED.labels("unknown user").inc()
        if self.rates.hit(f"unknown|{who.platform}:{who.id}") == 1:  # once a window
            self._audit(who, face, channel, command.verb, command.text, "unknown user")
        return Reply.fail(UNKNOWN_USER)

    def _audit(
        self, who: Who, face: str, channel: str | None, verb: str, text: str, detail: str
    ) -> None:
        with Session(self.engine) as session, session.begin():
            audit.append(
                session,
                at=self.clock.utcnow(),
                actor=f"{who.platform}:{who.id}",
                face=face,
                channel=channel,
                action=verb,
                text_=text,
                outcome="refused",
                detail=detail,
            )
