"""A reference shown to a channel (a Slack unfurl): the view its least-privileged member may see.

A link to an OCG pasted in a channel is seen by everyone in it, so the card is chosen for the
channel, not for the person who pasted it:

* police only (the platform names nobody outside the force and no enrolled partner is a member):
  the poster's own view, posted through the core's ``share`` path, so the channel must be marked
  secure, the view within its ceiling, and the post is recorded with its recipients;
* anyone outside the force: the partner view, rendered as each enrolled partner among the members
  through the one withholding path, and the narrowest of those views is shown. If any of them may
  not see the OCG, or nobody socbot knows stands behind the outside signal, nothing is shown.

Faces read the platform (who is in the channel, whether it is shared) and render the reply.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from socbot import audit, channels
from socbot.identify import Who
from socbot.model import Reply
from socbot.store.models import Identity

if TYPE_CHECKING:
    from socbot.bot import Bot

log = logging.getLogger(__name__)
OCG_REF = re.compile(r"\bOCG-\d{4,6}\b", re.IGNORECASE)
MAX_REFS = 5  # links shown from one message


def url_pattern(template: str | None) -> re.Pattern[str] | None:
    """``https://intranet.force.police.uk/ocg/{ref}`` as a regex with a ``ref`` group; the rest
    of the template is matched literally."""
    if not template or "{ref}" not in template:
        return None
    head, _, tail = template.partition("{ref}")
    return re.compile(re.escape(head) + r"(?P<ref>OCG-\d{4,6})" + re.escape(tail) + r"/?$", re.I)


def ref_of(url: str, pattern: re.Pattern[str] | None) -> str | None:
    """The OCG reference a link names: through the configured intranet pattern when there is
    one, else any ``OCG-nnnn`` in it (Slack only sends links of the app's unfurl domains)."""
    found = pattern.match(url) if pattern else OCG_REF.search(url)
    if not found:
        return None
    return (found.group("ref") if pattern else found.group(0)).upper()


def for_channel(
    bot: Bot, *, face: str, channel: str, poster: Who, ref: str, audience: channels.Audience
) -> Reply | None:
    """The card for ``ref`` that this channel's audience may see, or None (nothing at all)."""
    now = bot.clock.utcnow()
    with Session(bot.engine) as session:
        if bot.identify(session, poster, now) is None:  # socbot shows nothing for a stranger
            return None
        verdict = channels.judge(session, face, audience, now)
        partners = _partner_ids(session, face, verdict, audience)
        session.commit()  # identify may have linked the poster by email
    command = f"status {ref}"
    if verdict.police_only:
        reply = bot.handle(
            f"{command} share", poster, face=face, channel=channel, audience=lambda: audience
        )
        if reply.error or reply.ephemeral:  # the core's share refused, and says why
            log.info("unfurl of %s in %s withheld: %s", ref, channel, reply.context)
            return None
        return reply
    unknown = [m for m in audience.members or () if m.outside and m.id not in partners]
    if not partners or unknown:
        log.info("unfurl of %s in %s withheld: outsiders socbot does not know", ref, channel)
        return None
    views = [bot.view_as(command, Who(face, p), face=face, channel=channel) for p in partners]
    if any(v.error or not v.sanitised for v in views):
        log.info("unfurl of %s in %s withheld: a partner there may not see it", ref, channel)
        return None
    narrowest = min(views, key=lambda v: len(json.dumps(v.to_dict(), ensure_ascii=False)))
    narrowest.ephemeral = False
    _disclose(bot, face, channel, poster, ref, narrowest, audience)
    return narrowest


def _partner_ids(
    session: Session, face: str, verdict: channels.Verdict, audience: channels.Audience
) -> list[str]:
    """The platform ids of the enrolled partners among the members."""
    ids = [m.id for m in audience.members or ()]
    people = [p.id for p in verdict.partners]
    if not ids or not people:
        return []
    return list(
        session.exec(
            select(Identity.external_id).where(
                Identity.platform == face,
                Identity.external_id.in_(ids),  # type: ignore[attr-defined]
                Identity.person_id.in_(people),  # type: ignore[attr-defined]
            )
        ).all()
    )


def _disclose(
    bot: Bot,
    face: str,
    channel: str,
    poster: Who,
    ref: str,
    reply: Reply,
    audience: channels.Audience,
) -> None:
    """The partner card's post, recorded with its recipients in the poster's name."""
    with Session(bot.engine) as session, session.begin():
        actor = bot.identify(session, poster)
        audit.append(
            session,
            at=bot.clock.utcnow(),
            action=channels.DISCLOSURE,
            text_=f"unfurl {ref}",
            actor=actor.handle if actor else f"{face}:{poster.id}",
            actor_id=actor.id if actor else None,
            face=face,
            channel=channel,
            ocg_ref=ref,
            detail=channels.disclosure_detail(
                classification=reply.classification or channels.OFFICIAL,
                shown=reply.title or "",
                audience=audience,
                how="unfurl",
            ),
        )
