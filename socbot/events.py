"""What plugins tell each other happened, as typed events (``on_event`` hook).

Each is a small frozen dataclass naming the record it is about; a plugin reacts to the types it
knows and ignores the rest. Emitted with ``ctx.emit(event)`` inside the command's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NO_REASON = "no reason given"  # what the decision log keeps when a change came with no reason


@dataclass(frozen=True)
class Event:
    """Base of every event."""


@dataclass(frozen=True)
class ActionRecorded(Event):
    """An action was created or changed (snoozed, reassigned, cancelled...). ``nominal`` is
    the nominal a new action targets (``action ... nominal=``), for the plugin keeping links."""

    action: Any  # socbot_plugins.actions.models.Action
    nominal: Any = None  # socbot.Nominal


@dataclass(frozen=True)
class ActionDone(Event):
    """An action was closed with a result; ``disrupt`` is the grade asked for with it, if any."""

    action: Any
    disrupt: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DisruptionRecorded(Event):
    """A disruption was logged."""

    disruption: Any  # socbot_plugins.disruptions.models.Disruption


@dataclass(frozen=True)
class ReviewRecorded(Event):
    """An OCG's review was recorded (scores may have changed)."""

    review: Any


@dataclass(frozen=True)
class ProfileFactAdded(Event):
    """A fact was added to an OCG's profile."""

    fact: Any


@dataclass(frozen=True)
class OcgChanged(Event):
    """Something about an OCG that the plan's decision log keeps was changed: its phase, a
    lead or role, its status, its closure. ``rationale`` is why, as the person gave it ("" when
    they gave none); ``detail`` what else the record keeps with it (the role that changed hands,
    a closure's exit strategy, a reopened OCG's next review)."""

    ocg: Any  # socbot.store.models.Ocg
    what: str  # phase | lead | role | status | closure | reopen | no-lro | ...
    before: str | None
    after: str | None
    rationale: str = ""
    pillar: str | None = None
    detail: str = ""
