"""The context a command or job runs in: who, where, when, and one database transaction.

It carries what a command needs (session, actor, clock, settings, the hooks, the commands
loaded) and not the ``Bot``: a service locator hides what a command depends on, and tied the
core's modules into an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, overload

from pydantic_settings import BaseSettings
from sqlalchemy import Connection
from sqlmodel import Session, select

from socbot import access, hold, lookup, nominal_lookup, outbox
from socbot.access import Access, Actor
from socbot.clock import Clock
from socbot.model import Command, CommandError, Fact, NotAllowed, Reply
from socbot.store.models import Identity, Nominal, Ocg, Person

if TYPE_CHECKING:
    import pluggy

    from socbot.channels import AudienceSource
    from socbot.config import S, Settings
    from socbot.events import Event


class CommandInfo(Protocol):
    """What ``ctx.commands`` tells of a command (a ``CommandSpec``; named here by its shape
    because ``socbot.registry`` refers to ``Context``)."""

    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def usage(self) -> str: ...
    @property
    def examples(self) -> tuple[str, ...]: ...
    @property
    def permission(self) -> str: ...
    @property
    def details(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


@dataclass
class Context:
    session: Session
    actor: Actor
    face: str
    clock: Clock
    settings: Settings
    hooks: pluggy.HookRelay  # the plugin manager's hooks: ``ctx.hooks.register_tactics...``
    commands: Mapping[str, CommandInfo] = field(default_factory=dict)  # loaded, by name
    # the bot's registered permissions (``ctx.access.can(...)``); none: nobody may do anything
    access: Access = field(default_factory=lambda: Access({}))
    channel: str | None = None
    ocg_ref: str | None = None  # the OCG the command touched, for the audit trail
    permission: str | None = None  # the running command's permission (set by the core)
    ocg_ids: set[int] = field(default_factory=set)  # every OCG resolved: withheld for partners
    command: Command | None = None  # the running command (set by the core)
    plugin_config: Mapping[str, BaseSettings] = field(default_factory=dict)  # validated, by name
    # who the channel reaches now, asked of the platform when a reply is to be posted there
    audience: AudienceSource | None = None
    # the connection ``session`` is bound to, when the core opened one for the command: Core
    # statements run on it without beginning the ORM session (see ``connection``)
    bound: Connection | None = None

    def connection(self) -> Connection:
        """The transaction's connection, for Core statements. A command that never touches
        ``session`` never begins it: opening and committing an ORM session cost a tenth of
        ``status``. Both share the one transaction (the core commits whichever began it)."""
        return self.bound if self.bound is not None else self.session.connection()

    def commit(self) -> None:
        """Commit the command's transaction (the core does, once the reply is ready)."""
        if self.bound is not None and not self.session.in_transaction():
            self.bound.commit()
        else:
            self.session.commit()

    def rollback(self) -> None:
        if self.bound is not None and not self.session.in_transaction():
            self.bound.rollback()
        else:
            self.session.rollback()

    @overload
    def plugin_settings(self, name: str) -> BaseSettings: ...
    @overload
    def plugin_settings(self, name: str, model: type[S]) -> S: ...
    def plugin_settings(self, name: str, model: type[BaseSettings] = BaseSettings) -> BaseSettings:
        """A plugin's settings (``SOCBOT_PLUGIN__<NAME>__<KEY>``), validated at start; pass the
        model class to get them typed: ``ctx.plugin_settings("ocg", OcgSettings)``."""
        return pick_plugin_settings(self.plugin_config, name, model)

    def now(self) -> datetime:
        """Aware, Europe/London."""
        return self.clock.now()

    def today(self) -> date:
        return self.clock.today()

    def utcnow(self) -> datetime:
        """Aware UTC, for the store."""
        return self.clock.utcnow()

    @property
    def sanitised(self) -> bool:
        """True for partners: replies must carry no nominal, intelligence or other agency detail."""
        return access.sanitised(self.actor)

    def ocg(self, query: str, permission: str | None = None) -> Ocg:
        """Resolve what the user typed to an OCG they may use, or raise a polite error.

        Checked against ``permission``, by default the running command's own, so a command
        declared ``action.create`` cannot reach an OCG its actor may only read.
        """
        permission = permission or self.permission or "ocg.read"
        found = lookup.find_ocg(self.session, self.actor, query, permission, self.access)
        self.ocg_ref = found.ref
        self.ocg_ids.add(found.id or 0)
        return found

    def ocg_row(self, query: str, permission: str | None = None) -> lookup.OcgRow:
        """``ocg`` for a command that only reads the OCG: the same search and checks, the OCG as
        plain columns (cheaper than loading the ORM object; nothing to change or add)."""
        permission = permission or self.permission or "ocg.read"
        found = lookup.find_ocg_row(
            self.session, self.actor, query, permission, self.access, self.connection()
        )
        self.ocg_ref = found.ref
        self.ocg_ids.add(found.id or 0)
        return found

    def nominal(
        self,
        query: str,
        *,
        ocg: Ocg | None = None,
        permission: str = "ocg.read",
        field: str = "nominal",
    ) -> Nominal:
        """The one nominal ``query`` names (id, full name, alias or part of one): on ``ocg``
        when given, else on any OCG the actor may use with ``permission``; or a polite error
        listing the candidates. Partners never look nominals up."""
        if self.sanitised:
            raise CommandError(
                "Partners can't name a nominal: leave it out and the OCG's LRO can add it.",
                field=field,
            )
        if ocg is not None:
            ids: set[int] | None = {ocg.id or 0}
        else:
            ids = self.access.visible_ocg_ids(self.session, self.actor, permission)
        found = nominal_lookup.find_nominal(
            self.session,
            query,
            ocg_ids=ids,
            refs=[ocg] if ocg is not None else [],
            aliases=self.access.aliases,
            field=field,
        )
        self.ocg_ids.add(found.ocg_id)
        return found

    def can(self, permission: str, ocg: Ocg | None = None) -> bool:
        if ocg is None:
            return self.access.may_run(self.actor, permission)
        return self.access.can(self.session, self.actor, permission, ocg)

    def require(self, permission: str, ocg: Ocg | None = None) -> None:
        if not self.can(permission, ocg):
            if ocg is not None:
                raise lookup.access_refused(permission, ocg, self.access)
            raise NotAllowed("You don't have permission to do that. Ask your SOC coordinator.")

    def ocg_name(self, ocg: Ocg | lookup.OcgRow) -> str:
        return lookup.display_name(ocg, self.actor)

    def person(self, who: str) -> Person:
        """A person from ``@handle``, ``handle`` or a platform mention ``slack:U123``."""
        who = who.strip().lstrip("@")
        if ":" in who:
            platform, external = who.split(":", 1)
            ident = self.session.exec(
                select(Identity).where(
                    Identity.platform == platform.lower(), Identity.external_id == external
                )
            ).first()
            found = self.session.get(Person, ident.person_id) if ident else None
        else:
            found = self.session.exec(select(Person).where(Person.handle == who.lower())).first()
        if found is None or not found.active:
            raise CommandError(
                f"I don't know anyone called @{who}. Use their socbot handle "
                "(`socbot user list` shows them) or mention them in chat.",
                field="owner",
            )
        return found

    def for_partner(
        self,
        ocg: Ocg,
        texts: Mapping[str, str],
        *,
        person: Person | None = None,
        agency: str | None = None,
    ) -> list[Fact]:
        """Before texts are given to ``person`` (or ``agency``): when that is a partner, facts
        showing exactly what they will read, and ``hold.Held`` when a text seems to name
        someone socbot does not know (unless the command was confirmed). [] for police."""
        if person is not None and person.id == self.actor.id:
            return []  # their own words, for their own eyes
        if not hold.is_partner(self.session, person, agency, self.utcnow()):
            return []
        reader = f"@{person.handle}" if person else str(agency)
        ids = hold.reader_ocgs(self.session, person, agency, self.utcnow(), self.access)
        return hold.preview(
            self.session, self.command, ocg, texts, reader, ids, self.access.aliases
        )

    def emit(self, event: Event) -> None:
        """Tell other plugins something was recorded (inside this transaction)."""
        self.hooks.on_event(ctx=self, event=event)

    def notify(
        self,
        *,
        key: str,
        kind: str,
        reply: Reply,
        person_id: int | None = None,
        channel: str | None = None,
        ocg_id: int | None = None,
        note: str | None = None,
        render: Mapping[str, Any] | None = None,
    ) -> bool:
        """Queue a message in the outbox (once per ``key``). True when newly queued.

        ``render`` (plain JSON data) has the message worded again when it is delivered, by
        this plugin's ``render_message``, so its figures are current then."""
        return outbox.enqueue(
            self.session,
            key=key,
            kind=kind,
            reply=reply,
            now=self.utcnow(),
            acl=self.access,
            person_id=person_id,
            channel=channel,
            ocg_id=ocg_id,
            note=note,
            render=render,
        )

    def notify_many(self, messages: list[dict[str, Any]]) -> set[str]:
        """Queue a sweep's messages (dicts of ``notify``'s arguments) in a few statements; the
        keys this call queued (the rest were queued before, perhaps by a concurrent sweep)."""
        return outbox.enqueue_many(self.session, messages, now=self.utcnow(), acl=self.access)


def pick_plugin_settings(
    loaded: Mapping[str, BaseSettings], name: str, model: type[BaseSettings] = BaseSettings
) -> BaseSettings:
    """One plugin's settings from what the bot validated at start, checked to be ``model``."""
    found = loaded.get(name.lower())
    if found is None:
        raise LookupError(f"no plugin registered settings named {name!r}")
    if not isinstance(found, model):
        raise TypeError(f"settings {name!r} are {type(found).__name__}, not {model.__name__}")
    return found
