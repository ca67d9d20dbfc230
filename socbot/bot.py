"""The core: identify the person, check the command, run it in one transaction, audit it.

Every face calls ``Bot.handle`` (typed text), ``Bot.press`` (a button) or ``Bot.submit`` (a
form). Each starts at the front door (``front_door``: the sender's rate, then one size limit)
before anything is parsed or written; ``identify`` finds the person, and ``transaction`` runs the
command, turning a user error into a polite reply and anything else into an incident id."""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, overload

import pluggy
from pydantic_settings import BaseSettings
from sqlalchemy import Connection, Engine
from sqlmodel import Session

from socbot import access, forms, jobs, metrics, permissions
from socbot.access import SYSTEM
from socbot.channels import AudienceSource
from socbot.clock import Clock
from socbot.config import S, Settings
from socbot.context import Context, pick_plugin_settings
from socbot.front_door import FrontDoor, payload_size
from socbot.guards import Rates
from socbot.identify import Who, identify
from socbot.model import Command, CommandError, NotAllowed, Reply
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
    cli_commands,
    collect,
)
from socbot.shared_state import open_shared
from socbot.store.tables import store_tables
from socbot.transaction import complete


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
        self.cli: dict[str, CliCommand] = cli_commands(self.pm)
        self.tables = store_tables(self.pm)  # a table claimed twice stops the bot here
        self._plugin_settings = load_plugin_settings(
            collect(self.pm, "register_settings", PluginSettings), plugin_settings
        )
        self.shared = open_shared(engine, self.settings.redis_url)
        self.rates = Rates(self.shared)
        self.door = FrontDoor(engine, self.clock, self.rates, self.settings, self._refuse)
        self.pm.hook.startup(bot=self)

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

    def handle(
        self,
        text: str,
        who: Who,
        *,
        face: str,
        channel: str | None = None,
        audience: AudienceSource | None = None,
    ) -> Reply:
        """Run typed text as ``who`` and return the reply (never raises for user input).

        ``audience`` asks the platform who is in ``channel`` now; the core calls it only when a
        reply is to be posted there (``share``), and posts nothing when it answers None."""
        refused = self.door.admit(who, face, channel, "?", text, len(text))
        if refused is not None:
            return refused
        try:
            command = parse(text)
        except CommandError as exc:
            return self._refuse(Command("?", text=text), who, face, channel, exc)
        return self.run(command, who, face=face, channel=channel, audience=audience)

    def press(
        self,
        who: Who,
        action: str,
        payload: dict[str, str],
        *,
        face: str,
        channel: str | None = None,
        audience: AudienceSource | None = None,
    ) -> Reply:
        """A button: ``form:NAME`` opens a form; anything else runs as a command (a card's
        refresh too, so each viewer's own view passes the same checks and withholding)."""
        text = " ".join([action, payload.get("args", "")]).strip()
        refused = self.door.admit(
            who, face, channel, action, text, len(action) + payload_size(payload)
        )
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
        return self.run(command, who, face=face, channel=channel, audience=audience)

    def open_form(
        self, who: Who, name: str, payload: dict[str, str], *, face: str, channel: str | None = None
    ) -> Reply:
        spec = self.forms.get(name)
        if spec is None:
            return Reply.fail(f"There is no form called {name!r}.")
        command = Command(f"form:{name}", text=f"open form {name}")
        build = forms.opener(spec, payload)
        return self._execute(command, who, face, channel, build, audit_it=False)

    def submit(
        self, who: Who, name: str, values: dict[str, str], *, face: str, channel: str | None = None
    ) -> Reply:
        """A form's answers: run as its command; a user error comes back on the form's field."""
        text = f"submit form {name}"
        refused = self.door.admit(
            who, face, channel, f"form:{name}", text, len(name) + payload_size(values)
        )
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
        return forms.refilled(opened, values, exc)

    def run(
        self,
        command: Command,
        who: Who,
        *,
        face: str,
        channel: str | None = None,
        audience: AudienceSource | None = None,
    ) -> Reply:
        """Dispatch an already parsed command."""
        spec = self._verbs.get(command.verb)
        if spec is None:
            return self._execute(command, who, face, channel, self._unknown_verb)
        command = replace(command, verb=spec.name)
        guarded = self._guarded(spec)
        return self._execute(command, who, face, channel, guarded, audience=audience)

    def view_as(self, text: str, who: Who, *, face: str, channel: str | None = None) -> Reply:
        """A read as ``who`` may see it, drawn for a card someone else posts (an unfurl): the
        same checks and withholding, but not ``who``'s command, so not audited in their name
        (the post's disclosure row records what was shown, to whom) nor counted to their rate."""
        try:
            command = parse(text)
        except CommandError as exc:
            return Reply.fail(exc.message)
        spec = self._verbs.get(command.verb)
        if spec is None or spec.writes:
            return Reply.fail("Only a read can be drawn for someone else.")
        command = replace(command, verb=spec.name)
        return self._execute(command, who, face, channel, self._guarded(spec), audit_it=False)

    def _guarded(self, spec: CommandSpec) -> Callable[[Context, Command], Reply]:
        def guarded(ctx: Context, cmd: Command) -> Reply:
            ctx.permission = spec.permission  # ctx.ocg() checks it on every OCG resolved
            ctx.command = cmd
            if not self.access.may_run(ctx.actor, spec.permission):
                raise NotAllowed(
                    f"`{spec.name}` isn't available to you. `help` lists what you can do; ask "
                    "your SOC coordinator if you need more."
                )
            return spec.handler(ctx, cmd)

        return guarded

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
        """Run one job, a transaction per batch (rolled back on ``dry_run``)."""
        return [line for lines in self.run_job_batches(name, dry_run=dry_run) for line in lines]

    def run_job_batches(self, name: str, *, dry_run: bool = False) -> Iterator[list[str]]:
        """Run one job, yielding each batch's lines once it is committed (for progress)."""
        context = partial(self.context, actor=SYSTEM, face="scheduler")
        with metrics.SWEEP_SECONDS.labels(name).time():
            yield from jobs.batches(self.jobs[name], self.engine, context, dry_run=dry_run)

    def in_working_hours(self, moment: datetime | None = None) -> bool:
        now = moment or self.clock.now()
        s = self.settings
        return now.weekday() in s.working_days and s.work_start <= now.time() < s.work_end

    # -- internals ----------------------------------------------------------------------------

    def _verb_label(self, command: Command) -> str:
        """A metrics label: a registered verb or form, else one label for the rest (typed
        nonsense must not make a time series per word)."""
        verb = command.verb
        if verb in self.commands or (verb.startswith("form:") and verb[5:] in self.forms):
            return verb
        return "other"

    def _unknown_verb(self, ctx: Context, cmd: Command) -> Reply:
        visible = [
            n for n, s in self._verbs.items() if self.access.may_run(ctx.actor, s.permission)
        ]
        close = difflib.get_close_matches(cmd.verb, visible, n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise CommandError(f"I don't know the command `{cmd.verb[:40]}`.{hint} Try `help`.")

    def identify(
        self,
        session: Session,
        who: Who,
        now: datetime | None = None,
        *,
        connection: Connection | None = None,
    ) -> access.Actor | None:
        """The enrolled, active person behind ``who`` with their roles at ``now``; links an
        identity by email the first time. ``connection``: the one ``session`` is bound to."""
        now = now or self.clock.utcnow()
        return identify(
            session, who, now, utcnow=self.clock.utcnow, acl=self.access, connection=connection
        )

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
        audience: AudienceSource | None = None,
    ) -> Reply:
        started = time.perf_counter()
        # The session joins the connection's transaction only if the command uses it: the
        # person, the audit row and Core reads run on the connection alone (Context.connection).
        with (
            self.engine.connect() as conn,
            Session(conn, join_transaction_mode="control_fully", expire_on_commit=False) as session,
        ):
            actor = self.identify(session, who, self.clock.utcnow(), connection=conn)
            if actor is None:
                session.rollback()
                conn.rollback()
                return self.door.stranger(who, face, channel, command)
            ctx = self.context(session, actor, face, channel)
            ctx.audience = audience
            ctx.bound = conn
            return complete(
                ctx, command, handler, engine=self.engine, acl=self.access, audit_it=audit_it,
                sender=who.id, observe=metrics.command_done(self._verb_label(command), started),
            )  # fmt: skip
