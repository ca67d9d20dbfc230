"""Every hook a socbot plugin can implement, in one place.

Collection hooks hand the plugin a ``register`` callback, so one plugin can add several things
without returning lists. Hooks are called on a fresh plugin manager per bot (no globals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence
    from datetime import datetime

    from sqlmodel import Session

    from socbot.access import Actor
    from socbot.clock import Clock
    from socbot.context import Context
    from socbot.demo_force import Demo
    from socbot.events import Event
    from socbot.model import DigestPart, Reply, Withdraw
    from socbot.outbox import Delivery, Outgoing
    from socbot.registry import BotApi, Register

hookspec = pluggy.HookspecMarker("socbot")
hookimpl = pluggy.HookimplMarker("socbot")


@hookspec
def register_commands(register: Register) -> None:
    """Call ``register(CommandSpec(...))`` for each chat command this plugin adds.

    A spec names the verb, its usage and examples, and the permission it needs (one some plugin
    registers with ``register_permissions``). Two plugins registering one verb stop the bot at
    start.
    """


@hookspec
def register_forms(register: Register) -> None:
    """Call ``register(FormSpec(...))`` for each form (Slack modal, Teams card) this plugin adds.

    A form's submission is turned into a ``Command`` by the spec and dispatched like typed text.
    """


@hookspec
def register_jobs(register: Register) -> None:
    """Call ``register(Job(...))`` for each scheduled job (review alerts, nudges, digests).

    Jobs run in the serving process on a schedule and on the CLI with ``socbot jobs run NAME``.
    """


@hookspec
def register_cli(register: Register) -> None:
    """Call ``register(CliCommand(...))`` to add a ``socbot`` sub-command (import, export...)."""


@hookspec
def register_permissions(register: Register) -> None:
    """Call ``register(Permission(...))`` for each permission this plugin's commands name.

    A permission says which roles it grants and how far (``any`` OCG or their ``own``). The
    core's own permissions are registered through this hook by ``socbot.permissions``; a
    permission registered twice, or a command naming one nobody registered, stops the bot at
    start. Whatever a permission grants, being a partner caps it (``socbot.access``).
    """


@hookspec
def register_tables(register: Register) -> None:
    """Call ``register(Tables(models=(...), migrations=PATH))`` with the SQLModel table classes
    this plugin owns and the folder of its alembic versions.

    The plugin's migrations are its own alembic branch (``branch_labels``), starting from the
    core's head; ``socbot db upgrade`` runs every installed plugin's branch.
    """


@hookspec
def register_settings(register: Register) -> None:
    """Call ``register(PluginSettings(name, model))`` with a pydantic-settings model for this
    plugin's settings, read from ``SOCBOT_PLUGIN__<NAME>__<KEY>`` and validated at start (a bad
    value stops the bot with the plugin's name). Read them with ``ctx.plugin_settings(name)``.
    """


@hookspec
def add_hookspecs(pm: pluggy.PluginManager) -> None:
    """Add this plugin's own hookspecs with ``pm.add_hookspecs(module)``, so other plugins can
    extend it (as the tactics plugin lets a force add local tactics). Called before any other
    hook; an implementation of a hook nobody specified stops the bot at start.
    """


@hookspec
def load_demo(demo: Demo) -> None:
    """Add this plugin's part of the fictional demo force (``socbot demo``).

    Called in plugin order (help, admin, ocg, actions, disruptions, tactics, sensitive,
    nominals, then third-party plugins) inside one transaction, after the core has added the
    demo's people and OCGs; ``demo`` gives the session, the clock, ``start`` and those people
    and OCGs. Append a count to ``demo.summary`` for the printed summary. The core calls it once
    per store (``socbot demo`` twice changes nothing; ``--reset`` loads afresh).
    """


@hookspec
def startup(bot: BotApi) -> None:
    """Called once when a ``Bot`` is built, after every plugin's commands are registered.

    ``bot`` offers what ``socbot.BotApi`` lists (engine, settings, clock, plugin manager,
    registered permissions as ``access``, commands, jobs); plugins never import ``socbot.bot``
    itself.

    Load and check a plugin's own data here (e.g. local tactics files) and raise
    ``PluginError`` so that a mistake stops the bot at start rather than on first use.
    """


@hookspec(firstresult=True)
def deliver_message(message: Outgoing) -> Delivery | None:
    """Send one outbox message through a face that can reach its recipient.

    Faces implement this; the first one that returns a ``Delivery`` (sent or failed) wins.
    Return ``None`` when this face cannot reach the person at all.
    """


@hookspec(firstresult=True)
def render_message(
    session: Session,
    kind: str,
    spec: Mapping[str, Any],
    person_id: int | None,
    channel: str | None,
    clock: Clock,
    hooks: pluggy.HookRelay,
) -> Reply | Withdraw | None:
    """Word an outbox message at delivery, from the ``render`` spec it was queued with
    (``ctx.notify(..., render={...})``), so its figures are those of the moment it is sent.

    Answer a ``Reply`` to send, ``Withdraw(reason)`` when the message no longer has a point
    (nothing is sent), or ``None`` when ``kind`` is not yours. The outbox then withholds names
    from a partner's copy as it does for every message. With no plugin answering (the plugin
    was removed), the message is sent as worded when it was queued. ``hooks`` calls other
    plugins' hooks (a digest asks ``digest_sections``). Runs inside the delivery transaction:
    read, never write.
    """


@hookspec
def digest_sections(
    session: Session,
    viewer: Actor,
    ocg_ids: Collection[int] | None,
    since: datetime | None,
    now: datetime,
) -> Iterable[DigestPart]:
    """Add sections to the coordinators' digest (the actions plugin's ``action-digest``): each
    ``DigestPart`` lists entries under stable keys, so the digest can lead with what changed
    since the previous one ("3 new overdue, 2 closed") and send nothing on a quiet day.

    ``ocg_ids`` are the OCGs the digest covers (None: every OCG); ``since`` is when the previous
    digest was decided (None: this is the first), for parts that list events (tier changes)
    rather than states. Police detail only: answer nothing for a partner (``sanitised(viewer)``)
    and leave out what ``viewer`` may not see (sensitive records). Called for each coordinator
    and again when the digest is delivered, so keep it to a few queries.
    """
    return ()


@hookspec
def on_event(ctx: Context, event: Event) -> None:
    """Called inside the command's transaction after something is recorded: ``event`` is one of
    the dataclasses in ``socbot.events`` (``ActionDone``, ``DisruptionRecorded``...), so plugins
    can react (e.g. log the disruption asked for when an action is closed). Raising
    ``CommandError`` here rolls the whole command back.
    """


@hookspec
def ocg_reach(session: Session, actor: Actor) -> Iterable[int]:
    """Return the ids of the OCGs this actor reaches through this plugin's records, such as an
    action they or their agency hold.

    Asked only for partners and coordinators, whose ``own`` scope also covers the OCGs they work
    on without holding a role there (``socbot.access``); every plugin's answers are joined.
    Called on every OCG check of such a person, so keep it to one query. Grants nothing by
    itself: the permission must still give the role ``own``, and the partner cap still applies.
    """
    return ()


@hookspec
def nominal_aliases(session: Session, ocg_ids: Sequence[int]) -> Iterable[tuple[int, str]]:
    """Return ``(nominal_id, alias)`` for every alias this plugin keeps of the nominals of these
    OCGs (the nominals plugin: street names, nicknames).

    The core uses them twice. Partners never read an alias, as they never read a nominal's name:
    ``socbot.withhold`` withholds both at read time (so text written before an alias was known
    is withheld too) from every reply, card, outbox message and the writer's preview of them.
    And a nominal is found by alias wherever it is found by name (``ctx.nominal``, so
    ``disrupt ... nominal=Daz``). Every built-in plugin's answer counts, whatever
    ``SOCBOT_LOAD_PLUGINS`` says, since the store holds their rows either way. Called once per
    reply a partner reads: keep it to one query.
    """
    return ()
