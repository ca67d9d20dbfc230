"""Text on its way to a partner: the writer sees what the partner will read, and a text that
seems to name someone socbot does not know is held until the writer confirms or rewords it.

Plugins call ``Context.for_partner`` with the texts a command is about to give a partner (an
action's description, a reassignment note, a moderation note). Nothing is written while a text
is held: the command raises ``Held``, the core rolls back, and the reply offers a "Send as shown"
button that runs the same command again with ``confirm``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from socbot.access import Access, Actor, AliasSource, load_actor, no_aliases
from socbot.model import Button, Command, CommandError, Fact, Reply, Severity
from socbot.names import suspected_names, without_possessive
from socbot.parser import join_args
from socbot.people import partners_among
from socbot.store.models import Nominal, Ocg, Person
from socbot.withhold import names_hider

POLICE = "police"


class Held(CommandError):
    """The command's text may name someone: shown to the writer, nothing written."""

    def __init__(self, reply: Reply):
        super().__init__(reply.text or "Held for you to check.")
        self.reply = reply


def is_partner(session: Session, person: Person | None, agency: str | None, now: datetime) -> bool:
    """Whether what is given to this person (or agency) is read by a partner."""
    if person is None:
        return (agency or POLICE).strip().lower() != POLICE
    if person.agency.strip().lower() != POLICE:
        return True
    return bool(partners_among(session, [person.id or 0], now))


def _unknown(session: Session, ocg: Ocg, names: list[str]) -> list[str]:
    """Suspected names that are neither enrolled people (partners know them) nor the OCG's
    nominals (withheld from partners anyway)."""
    lowered = {without_possessive(n.lower()) for n in names}
    people = select(func.lower(Person.name)).where(func.lower(Person.name).in_(lowered))
    nominals = select(func.lower(Nominal.name)).where(
        Nominal.ocg_id == ocg.id, func.lower(Nominal.name).in_(lowered)
    )
    known = set(session.exec(people).all()) | set(session.exec(nominals).all())
    return [n for n in names if without_possessive(n.lower()) not in known]


def reader_ocgs(
    session: Session, person: Person | None, agency: str | None, now: datetime, acl: Access
) -> set[int]:
    """The OCGs whose names are withheld from this partner (or partner agency): the same set
    ``withhold.for_partner`` uses when they read, so the preview is exactly what they see."""
    if person is not None:
        return acl.visible_ocg_ids(session, load_actor(session, person, now)) or set()
    partner = frozenset({"partner"})
    them = Actor(-1, "", "", agency or "", roles=partner, force_roles=partner)
    return acl.visible_ocg_ids(session, them) or set()


def preview(
    session: Session,
    command: Command | None,
    ocg: Ocg,
    texts: Mapping[str, str],
    reader: str,
    reader_ids: Iterable[int] = (),
    aliases: AliasSource = no_aliases,
) -> list[Fact]:
    """Facts saying what ``reader`` will see of each text; raises ``Held`` when a text seems to
    name an unknown person and the command was not confirmed."""
    agencies = session.exec(select(Person.agency).distinct()).all()
    known = [*agencies, ocg.partner_name or ""]
    hide = names_hider(session, {ocg.id or 0, *reader_ids}, aliases)
    shown = {label: hide(text) for label, text in texts.items() if text}
    facts = [Fact(f"{label} as {reader} will see it", text) for label, text in shown.items()]
    confirmed = command is not None and command.options.get("confirm", "").lower() == "yes"
    suspects = [n for t in shown.values() for n in suspected_names(t, known)]
    suspects = _unknown(session, ocg, suspects) if suspects else []
    if not suspects or confirmed:
        return facts
    named = ", ".join(dict.fromkeys(suspects))
    buttons = []
    if command is not None:
        payload = {"args": join_args(command), "confirm": "yes"}
        buttons.append(Button("Send as shown", command.verb, payload, style="primary"))
    raise Held(
        Reply(
            title=f"Check what {reader} will see",
            text=f"This seems to name {named}, who is not a nominal or a colleague socbot knows. "
            f"{reader} is a partner and would read it exactly as below. Nothing has been saved: "
            'reword it without the name ("the runner", "the tenant") and run it again, or '
            "send it as shown.",
            facts=facts,
            buttons=buttons,
            context="To send it as shown by typing, repeat the command with `confirm` at the end.",
            severity=Severity.WARNING,
        )
    )
