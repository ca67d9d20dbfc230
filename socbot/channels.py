"""Classification-aware channels: what a channel may carry, who is in it now, and the record of
what was shown to whom there.

A reply's classification is decided by the core (``classify``): a partner's sanitised view and a
user error are OFFICIAL; any other view of the force's work is OFFICIAL-SENSITIVE unless the
command says otherwise (``Reply.classification``). Each channel has a ceiling an admin sets
(``channel ceiling ...``). Faces read the platform's membership signals at each post (Slack
Connect, guests, other tenants) and hand them to the core as an ``Audience``; ``judge`` adds the
enrolled partners among the members. Police-only content is never posted where anyone is outside
the force, and every post to a channel is recorded with its recipients (``disclose``), so
``socbot audit disclosures --ocg OCG-0001`` can say who was shown what, and when (DPA 2018
Part 3 s.62).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from socbot.store.models import AuditEvent, Channel, Identity, Person

OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
LEVELS = (OFFICIAL, OFFICIAL_SENSITIVE)  # lowest first
DISCLOSURE = "disclosure"  # the audit action of a post to a channel


def rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)  # unknown: above all


def level(text: str) -> str | None:
    """A ceiling as typed (``official-sensitive``, ``OS``), or None."""
    word = text.strip().upper().replace("_", "-").replace(" ", "-")
    return {"O": OFFICIAL, "OS": OFFICIAL_SENSITIVE}.get(word, word if word in LEVELS else None)


@dataclass(frozen=True)
class Member:
    """One member of a channel as the platform names them. ``outside`` says why they are outside
    the force ("a guest", "from another organisation"), or is None."""

    id: str
    outside: str | None = None


@dataclass(frozen=True)
class Audience:
    """Who a channel reaches at this moment, as the platform says. ``shared`` says why the
    channel itself reaches outside the force (a Slack Connect channel, a Teams shared channel);
    ``members`` is None when the platform did not list them."""

    channel: str
    members: tuple[Member, ...] | None = None
    shared: str | None = None


AudienceSource = Callable[[], "Audience | None"]


@dataclass
class Verdict:
    """What a channel's audience allows: ``outsiders`` names each reason it reaches beyond the
    force's police (empty: police only), ``partners`` the enrolled partners among the members."""

    audience: Audience
    outsiders: list[str] = field(default_factory=list)
    partners: list[Person] = field(default_factory=list)

    @property
    def police_only(self) -> bool:
        return not self.outsiders

    def why(self) -> str:
        shown = self.outsiders[:3]
        more = len(self.outsiders) - len(shown)
        return "; ".join(shown) + (f" and {more} more" if more > 0 else "")


def judge(session: Session, face: str, audience: Audience, now: datetime) -> Verdict:
    """The platform's signals plus socbot's own knowledge: a member enrolled as a partner (or of
    another agency) makes the channel a partners' audience, as an external member does."""
    from socbot.people import partners_among

    verdict = Verdict(audience)
    if audience.shared:
        verdict.outsiders.append(audience.shared)
    members = audience.members or ()
    for member in members:
        if member.outside:
            verdict.outsiders.append(f"{member.outside} ({member.id})")
    ids = [m.id for m in members]
    if ids:
        found = session.exec(
            select(Person)
            .join(Identity, Identity.person_id == Person.id)  # type: ignore[arg-type]
            .where(Identity.platform == face, Identity.external_id.in_(ids))  # type: ignore[attr-defined]
        ).all()
        partner_ids = partners_among(session, [p.id or 0 for p in found], now)
        for person in found:
            if person.id in partner_ids or person.agency.strip().lower() != "police":
                verdict.partners.append(person)
                verdict.outsiders.append(f"a partner, @{person.handle} ({person.agency})")
    return verdict


def ceiling_of(session: Session, face: str, channel: str | None) -> tuple[bool, str]:
    """Whether the channel is marked secure, and its ceiling (OFFICIAL when not secure)."""
    row = (
        session.exec(
            select(Channel).where(Channel.platform == face, Channel.external_id == channel)
        ).first()
        if channel
        else None
    )
    if row is None or not row.secure:
        return False, OFFICIAL
    return True, row.ceiling or OFFICIAL_SENSITIVE


def bare(channel: str) -> str:
    """A channel as an admin marks it: ``slack:C0123``, ``#name`` or ``<#C0123>`` without the
    decoration."""
    return channel.removeprefix("slack:").lstrip("#").strip("<>")


def carries(session: Session, channel: str, level: str) -> bool:
    """Whether ``channel`` (an id or ``#name``, on whichever platform an admin marked it) is
    secure with a ceiling at or above ``level``: for posts decided without a face, such as a
    scheduled paper."""
    rows = session.exec(select(Channel).where(Channel.external_id == bare(channel))).all()
    return any(r.secure and rank(r.ceiling or OFFICIAL_SENSITIVE) >= rank(level) for r in rows)


def disclosure_detail(
    *, classification: str, shown: str, audience: Audience | None, how: str
) -> str:
    """The audit row's detail for a post to a channel: what, at which classification, to whom."""
    members = None if audience is None or audience.members is None else audience.members
    data: dict[str, Any] = {
        "how": how,
        "classification": classification,
        "shown": shown[:200],
        "members": None if members is None else [m.id for m in members],
    }
    if audience is not None and audience.shared:
        data["shared"] = audience.shared
    outside = [m.id for m in members or () if m.outside]
    if outside:
        data["outside"] = outside
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def disclosures(session: Session, ocg_ref: str) -> Sequence[AuditEvent]:
    """Every recorded post of this OCG to a channel, oldest first."""
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.action == DISCLOSURE, AuditEvent.ocg_ref == ocg_ref)
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    ).all()
