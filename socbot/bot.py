"""The core: identify the person, check the command, run it in one transaction, audit it.

Every face calls ``Bot.handle`` (typed text), ``Bot.press`` (a button) or ``Bot.submit`` (a
form). Each starts at ``_admit``: the sender's rate, then one size limit, before anything is parsed
or written. A user error rolls back and becomes a polite reply; anything else is logged with an
incident id and the user sees only the id.
"""

from __future__ import annotations

import difflib
import gc
import json
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, overload

import pluggy
from pydantic_settings import BaseSettings
from sqlalchemy import Engine
from sqlmodel import Session, select

from socbot import access, audit, outbox, permissions, redact, withhold
from socbot.access import SYSTEM
from socbot.clock import Clock, say_when
from socbot.config import S, Settings
from socbot.context import Context, pick_plugin_settings
from socbot.guards import Rates
from socbot.hold import Held
from socbot.model import SENSITIVE_MARK, Command, CommandError, NotAllowed, Reply, Severity
from socbot.parser import MAX_TEXT, parse
from socbot.plugin_settings import load_plugin_settings
from socbot.plugins import check_pending, get_plugin_manager, with_built_ins
from socbot.registry import (
    CliCommand,
    CommandSpec,
    FormSpec,
    Job,
    Permission,
    PluginError,
    PluginSettings,
    collect,
)
from socbot.store.models import Channel, Identity, Person
from socbot.store.tables import store_tables

log = logging.getLogger("socbot")
RATE_LIMITED = (
    "You're sending commands faster than I can take them. Please wait a minute and try again."
)
UNKNOWN_USER = (
    "Sorry, I don't know who you are yet. Ask your SOC coordinator to enrol you in socbot; "
    "until then I can't show or record anything for you."
)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Sweeps build thousands of short-lived rows; the cyclic collector's full passes over them
    cost a third of a national nudge sweep (1.7 s -> 1.0 s without them, +6 MB peak).
    Reference counting still frees almost everything; the collector resumes when the job ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _size(fields: dict[str, str]) -> int:
    """Characters in a button's payload or a form's values, names included."""
    return sum(len(str(k)) + len(str(v)) for k, v in fields.items())


@dataclass(frozen=True)
class Who:
    """A person as a face knows them: a platform and that platform's stable id."""

    platform: str  # console | slack | teams
    id: str  # handle on the console, U0123 on Slack, AAD object id on Teams
    email: str | None = None


def nominal_aliases(pm: pluggy.PluginManager) -> access.AliasSource:
    """The ``nominal_aliases`` hook of every built-in plugin, whatever the allow-list (a plugin
    left out still has its rows, and partners must not read them), and of the others on ``pm``."""
    parts = with_built_ins(pm, "nominal_aliases")

    def aliases(session: Session, ocg_ids: Sequence[int]) -> Iterable[tuple[int, str]]:
        return [pair for part in parts for pair in part(session=session, ocg_ids=ocg_ids) or ()]

    return aliases


class Bot:
    def __init__(
        self,
        engine: Engine,
        *,
        pm: pluggy.PluginManager | None = None,
        settings: Settings | None = None,
        clock: Clock | None = None,
        plugin_settings: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        """``plugin_settings`` (``{"ocg": {"review_alert_days": 3}}``) override the environment's
        ``SOCBOT_PLUGIN__<NAME>__<KEY>``; either way they are validated here, before startup."""
        self.engine = engine
        self.settings = settings or Settings()
        self.clock = clock or Clock.parse(self.settings.now)
        self.pm = pm or get_plugin_manager()
        check_pending(self.pm)  # a misspelt hook stops the bot, not silently does nothing
        self.access = access.Access(
            permissions.registered(collect(self.pm, "register_permissions", Permission)),
            reach=self.pm.hook.ocg_reach,
            aliases=nominal_aliases(self.pm),
        )
        self.commands: dict[str, CommandSpec] = {}
        self._verbs: dict[str, CommandSpec] = {}
        for plugin, spec in collect(self.pm, "register_commands", CommandSpec):
            spec = replace(spec, plugin=plugin)
            self._check_permission(f"command {spec.name!r}", plugin, spec.permission)
            for verb in (spec.name, *spec.aliases):
                if verb in self._verbs:
                    raise PluginError(
                        f"command {verb!r} is claimed by both {self._verbs[verb].plugin} "
                        f"and {plugin}"
                    )
                self._verbs[verb] = spec
            self.commands[spec.name] = spec
        self.forms: dict[str, FormSpec] = {}
        for plugin, form in collect(self.pm, "register_forms", FormSpec):
            self._check_permission(f"form {form.name!r}", plugin, form.permission)
            self.forms[form.name] = form
        self.jobs: dict[str, Job] = {j.name: j for _, j in collect(self.pm, "register_jobs", Job)}
        self.cli: dict[str, CliCommand] = {
            c.name: c for _, c in collect(self.pm, "register_cli", CliCommand)
        }
        self.tables = store_tables(self.pm)  # a table claimed twice stops the bot here
        self._plugin_settings = load_plugin_settings(
            collect(self.pm, "register_settings", PluginSettings), plugin_settings
        )
        self.rates = Rates(engine)
        self.pm.hook.startup(bot=self)

    def _partner_view(self, ctx: Context, command: Command, reply: Reply) -> Reply:
        """The one withholding path for every text a partner reads."""
        ids, typed = ctx.ocg_ids, command.args
        return withhold.for_partner(ctx.session, ctx.actor, reply, ids, typed, acl=self.access)

    def _check_permission(self, what: str, plugin: str, permission: str) -> None:
        """A command or form naming a permission no plugin registered stops the bot at start."""
        if permission not in self.access.permissions:
            raise PluginError(
                f"{what} of plugin {plugin} needs permission {permission!r}, which no plugin "
                "registers (register_permissions)"
            )

    @overload
    def plugin_settings(self, name: str) -> BaseSettings: ...
    @overload
    def plugin_settings(self, name: str, model: type[S]) -> S: ...
    def plugin_settings(self, name: str, model: type[BaseSettings] = BaseSettings) -> BaseSettings:
        """A plugin's validated settings; pass its model class to get them typed."""
        return pick_plugin_settings(self._plugin_settings, name, model)

    # -- entry points for faces ---------------------------------------------------------------

    def spec(self, verb: str) -> CommandSpec | None:
        """The command a verb (or alias) names: faces use ``writes`` to decide how to answer."""
        return self._verbs.get(verb.lower())

    def writes(self, text: str) -> bool:
        """Whether typed text names a command that changes something (a face may ack it at once
        and answer later). A routing hint read from the start of the text; ``handle`` checks all."""
        try:
            spec = self.spec(parse(text[:MAX_TEXT]).verb)
        except CommandError:
            return False
        return bool(spec and spec.writes)

    def handle(self, text: str, who: Who, *, face: str, channel: str | None = None) -> Reply:
        """Run typed text as ``who`` and return the reply (never raises for user input)."""
        refused = self._admit(who, face, channel, "?", text, len(text))
        if refused is not None:
            return refused
        try:
            command = parse(text)
        except CommandError as exc:
            return self._refuse(Command("?", text=text), who, face, channel, exc)
        return self.run(command, who, face=face, channel=channel)

    def press(
        self,
        who: Who,
        action: str,
        payload: dict[str, str],
        *,
        face: str,
        channel: str | None = None,
    ) -> Reply:
        """A button: ``form:NAME`` opens a form; anything else runs as a command."""
        text = " ".join([action, payload.get("args", "")]).strip()
        refused = self._admit(who, face, channel, action, text, len(action) + _size(payload))
        if refused is not None:
            return refused
        if action.startswith("form:"):
            return self.open_form(who, action[5:], payload, face=face, channel=channel)
        options = {k: v for k, v in payload.items() if k != "args"}
        try:  # the args as if typed: options, mentions and refs read the same way
            command = parse(text)
        except CommandError as exc:
            return Reply.fail(exc.message)
        command = replace(command, verb=action, options={**command.options, **options})
        return self.run(command, who, face=face, channel=channel)

    def open_form(
        self, who: Who, name: str, payload: dict[str, str], *, face: str, channel: str | None = None
    ) -> Reply:
        spec = self.forms.get(name)
        if spec is None:
            return Reply.fail(f"There is no form called {name!r}.")

        def build(ctx: Context, _cmd: Command) -> Reply:
            ctx.require(spec.permission)
            form = spec.build(ctx, payload)
            return Reply(title=form.title, form=form)

        command = Command(f"form:{name}", text=f"open form {name}")
        return self._execute(command, who, face, channel, build, audit_it=False)

    def submit(
        self, who: Who, name: str, values: dict[str, str], *, face: str, channel: str | None = None
    ) -> Reply:
        """A form's answers: run as its command; a user error comes back on the form's field."""
        text = f"submit form {name}"
        refused = self._admit(who, face, channel, f"form:{name}", text, len(name) + _size(values))
        if refused is not None:
            return refused
        spec = self.forms.get(name)
        if spec is None:
            return Reply.fail(f"There is no form called {name!r}.")
        try:
            command = spec.submit({k: (v or "").strip() for k, v in values.items()})
        except CommandError as exc:
            return self._form_error(who, spec, values, exc, face, channel)
        reply = self.run(command, who, face=face, channel=channel)
        if reply.error and reply.form is None:
            error = CommandError(reply.text or "", field=reply.field)
            return self._form_error(who, spec, values, error, face, channel)
        return reply

    def _form_error(
        self,
        who: Who,
        spec: FormSpec,
        values: dict[str, str],
        exc: CommandError,
        face: str,
        channel: str | None,
    ) -> Reply:
        opened = self.open_form(who, spec.name, dict(values), face=face, channel=channel)
        if opened.form is None:
            return opened
        for field in opened.form.inputs:
            if field.name in values:
                field.value = values[field.name]
        names = [i.name for i in opened.form.inputs]
        target = exc.field if exc.field in names else names[0]
        opened.form.errors = {target: exc.message}
        opened.error, opened.severity, opened.text = True, Severity.ERROR, exc.message
        return opened

    def run(self, command: Command, who: Who, *, face: str, channel: str | None = None) -> Reply:
        """Dispatch an already parsed command."""
        spec = self._verbs.get(command.verb)
        if spec is None:
            return self._execute(command, who, face, channel, self._unknown_verb)
        command = replace(command, verb=spec.name)

        def guarded(ctx: Context, cmd: Command) -> Reply:
            ctx.permission = spec.permission  # ctx.ocg() checks it on every OCG resolved
            ctx.command = cmd
            if not self.access.may_run(ctx.actor, spec.permission):
                raise NotAllowed(
                    f"`{spec.name}` isn't available to you. `help` lists what you can do; ask "
                    "your SOC coordinator if you need more."
                )
            return spec.handler(ctx, cmd)

        return self._execute(command, who, face, channel, guarded)

    def context(
        self, session: Session, actor: access.Actor, face: str, channel: str | None = None
    ) -> Context:
        """The context a command or job runs in, on ``session`` (the caller's transaction)."""
        return Context(
            session,
            actor,
            face,
            self.clock,
            self.settings,
            self.pm.hook,
            self.commands,
            access=self.access,
            channel=channel,
            plugin_config=self._plugin_settings,
        )

    # -- jobs ---------------------------------------------------------------------------------

    def run_job(self, name: str, *, dry_run: bool = False) -> list[str]:
        """Run one job in one transaction (rolled back on ``dry_run``)."""
        job = self.jobs[name]
        with _collector_paused(), Session(self.engine) as session:
            session.begin()
            ctx = self.context(session, SYSTEM, "scheduler")
            try:
                lines = job.run(ctx, dry_run)
            except Exception:
                session.rollback()
                raise
            if dry_run:
                session.rollback()
                return lines
            audit.append(
                session,
                at=ctx.utcnow(),
                actor="socbot",
                face="scheduler",
                action=f"job:{name}",
                text_=f"{len(lines)} decided",
            )
            session.commit()
        return lines

    def in_working_hours(self, moment: datetime | None = None) -> bool:
        now = moment or self.clock.now()
        s = self.settings
        return now.weekday() in s.working_days and s.work_start <= now.time() < s.work_end

    # -- internals ----------------------------------------------------------------------------

    def _unknown_verb(self, ctx: Context, cmd: Command) -> Reply:
        visible = [
            n for n, s in self._verbs.items() if self.access.may_run(ctx.actor, s.permission)
        ]
        close = difflib.get_close_matches(cmd.verb, visible, n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise CommandError(f"I don't know the command `{cmd.verb[:40]}`.{hint} Try `help`.")

    def identify(
        self, session: Session, who: Who, now: datetime | None = None
    ) -> access.Actor | None:
        """The enrolled, active person behind ``who`` with their roles at ``now``; links an
        identity by email the first time."""
        now = now or self.clock.utcnow()
        if who.platform == "console":
            actor = access.find_actor(session, now, handle=who.id.lower())
        else:
            actor = access.find_actor(session, now, identity=(who.platform, who.id))
            if actor is None and who.email:
                person = self._link_by_email(session, who)
                actor = access.load_actor(session, person, now) if person else None
        return actor if actor and actor.active else None

    def _link_by_email(self, session: Session, who: Who) -> Person | None:
        """First contact from a platform: link it to the one active person with that email, if
        they have no account on that platform yet (a second account with their email is not one
        they made), and tell them, so that a link they did not make does not go unnoticed."""
        email = (who.email or "").strip().lower()
        found = session.exec(select(Person).where(Person.email == email).limit(2)).all()
        if len(found) != 1 or not found[0].active:
            return None  # nobody, someone inactive, or two people: nothing to go on
        person = found[0]
        has_one = select(Identity.id).where(
            Identity.person_id == person.id, Identity.platform == who.platform
        )
        if session.exec(has_one).first() is not None:
            return None
        now, account = self.clock.utcnow(), f"{who.platform}:{who.id}"
        session.add(
            Identity(
                person_id=person.id or 0, platform=who.platform, external_id=who.id, linked_at=now
            )
        )
        audit.append(
            session,
            at=now,
            actor=person.handle,
            actor_id=person.id,
            face=who.platform,
            action="admin",
            text_=f"auto-link {account} by email",
            outcome="ok",
        )
        outbox.enqueue(
            session,
            key=f"linked:{account}",
            kind="account-linked",
            reply=Reply(
                title="A new account was linked to you",
                text=f"A {who.platform.capitalize()} account was linked to you in socbot on "
                f"{say_when(now)}, because it has your email address. If that wasn't you, tell "
                "your SOC coordinator straight away.",
            ),
            now=now,
            person_id=person.id,
            acl=self.access,
        )
        session.commit()
        return person

    def _admit(
        self, who: Who, face: str, channel: str | None, verb: str, text: str, size: int
    ) -> Reply | None:
        """Every way in starts here, before anything is parsed or written: the sender's rate
        (shared by every replica through the store), then one size limit for typed text, button
        payloads and form values alike. None admits; a Reply is the refusal.

        A flood is answered every time but audited once a window: the first refusal only.
        Splitting 2 MB of button ``args`` with shlex took 38 s of CPU (it grows the token one
        character at a time) and dateparser 6 s more; neither sees more than ``MAX_TEXT``."""
        hits = self.rates.hit(f"{who.platform}:{who.id}")
        limit = self.settings.rate_limit
        if hits > limit:
            if hits == limit + 1:
                self._audit_only(who, face, channel, verb, text, "refused", "rate limit")
            return Reply.fail(RATE_LIMITED)
        if size > MAX_TEXT:
            error = CommandError(
                f"That message is {size:,} characters long; the limit is {MAX_TEXT:,}. "
                "Put long notes in your case system and give a short summary here."
            )
            return self._refuse(Command(verb, text=text), who, face, channel, error)
        return None

    def _refuse(
        self, command: Command, who: Who, face: str, channel: str | None, error: CommandError
    ) -> Reply:
        """A user error found before a command could run: answered and audited as the person
        (an unknown sender gets the one fixed reply, like any other command)."""

        def fail(_ctx: Context, _cmd: Command) -> Reply:
            raise error

        return self._execute(command, who, face, channel, fail)

    def _execute(
        self,
        command: Command,
        who: Who,
        face: str,
        channel: str | None,
        handler: Callable[[Context, Command], Reply],
        *,
        audit_it: bool = True,
    ) -> Reply:
        with Session(self.engine, expire_on_commit=False) as session:
            actor = self.identify(session, who, self.clock.utcnow())
            if actor is None:
                session.rollback()
                if self.rates.hit(f"unknown|{who.platform}:{who.id}") == 1:  # once a window
                    self._audit_only(
                        who, face, channel, command.verb, command.text, "refused", "unknown user"
                    )
                return Reply.fail(UNKNOWN_USER)
            ctx = self.context(session, actor, face, channel)
            try:
                reply = redact.scrub_reply(handler(ctx, command))
                if ctx.sanitised:  # one path for every text a partner reads
                    reply = self._partner_view(ctx, command, reply)
                if command.share:
                    self._share(ctx, reply)
                if audit_it:
                    self._audit(ctx, command, "ok", None)
                session.commit()
                return reply
            except Held as exc:  # shown to the writer to confirm: nothing written
                session.rollback()
                outcome, detail, reply = "held", exc.message, exc.reply
                if ctx.sanitised:
                    reply = self._partner_view(ctx, command, reply)
            except CommandError as exc:
                session.rollback()
                outcome = "refused" if isinstance(exc, NotAllowed) else "user-error"
                detail = exc.message
                reply = Reply.fail(redact.scrub_shaped(exc.message), exc.hint, exc.field)
                if ctx.sanitised:
                    reply = self._partner_view(ctx, command, reply)
            except Exception:
                session.rollback()
                incident = secrets.token_hex(4)
                log.exception("incident %s: %s by %s failed", incident, command.verb, who.id)
                outcome, detail = "error", f"incident {incident}"
                reply = Reply.fail(
                    f"Sorry, something went wrong on our side (incident {incident}). Nothing was "
                    "recorded. Please try again; if it keeps happening, give the incident id to "
                    "your SOC coordinator."
                )
            self._audit_after_rollback(ctx, command, outcome, detail)
            return reply

    def _share(self, ctx: Context, reply: Reply) -> None:
        if ctx.sanitised or reply.sanitised:
            reply.context = "Not shared: partner views stay private to you."
            return
        if SENSITIVE_MARK in json.dumps(reply.to_dict()):
            reply.context = "Not shared: it shows a sensitive record (the OCG's police roles only)."
            return
        secure = ctx.session.exec(
            select(Channel).where(Channel.platform == ctx.face, Channel.external_id == ctx.channel)
        ).first()
        if ctx.channel and secure and secure.secure:
            reply.ephemeral = False
        else:
            reply.context = (
                "Not shared: this channel isn't marked secure. An admin can mark it with "
                "`channel secure`."
            )

    def _audit(self, ctx: Context, command: Command, outcome: str, detail: str | None) -> None:
        audit.record(
            ctx,
            action=command.verb,
            text_=command.text or command.verb,
            ocg_ref=ctx.ocg_ref,
            outcome=outcome,
            detail=detail,
        )

    def _audit_after_rollback(
        self, ctx: Context, command: Command, outcome: str, detail: str | None
    ) -> None:
        with Session(self.engine) as session, session.begin():
            ctx2 = replace(ctx, session=session)
            self._audit(ctx2, command, outcome, detail)

    def _audit_only(
        self,
        who: Who,
        face: str,
        channel: str | None,
        verb: str,
        text: str,
        outcome: str,
        detail: str | None,
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
                outcome=outcome,
                detail=detail,
            )
