"""socbot: 4P plans, actions and disruptions against organised crime groups, in chat.

This module is the public API: what a plugin may import (``from socbot import Context, ...``).
Helpers such as ``socbot.clock``, ``socbot.dates`` or ``socbot.access`` may be imported too;
``socbot.store``, ``socbot.bot``, ``socbot.faces``, ``socbot.cli`` and ``socbot.outbox`` may not
(a ruff rule in ``plugins/`` and ``examples/`` says so; see docs/plugins.md, "Public API").
"""

from socbot.access import Actor
from socbot.context import CommandInfo, Context
from socbot.events import (
    ActionDone,
    ActionRecorded,
    DisruptionRecorded,
    Event,
    ProfileFactAdded,
    ReviewRecorded,
)
from socbot.hookspecs import hookimpl, hookspec
from socbot.model import (
    Button,
    Command,
    CommandError,
    Fact,
    Form,
    Input,
    Item,
    NotAllowed,
    Reply,
    Section,
    Severity,
)
from socbot.registry import (
    BotApi,
    CliCommand,
    CommandSpec,
    FormSpec,
    Job,
    Permission,
    PluginError,
    PluginSettings,
    Register,
    Tables,
    collect,
)
from socbot.store.models import (
    BANDS,
    NOMINAL_ROLES,
    PHASES,
    PILLARS,
    REVIEW_MONTHS,
    ROLES,
    Assignment,
    AuditEvent,
    Channel,
    Identity,
    Nominal,
    Ocg,
    OcgAlias,
    Outbox,
    Person,
)

__all__ = [
    "BANDS",
    "NOMINAL_ROLES",
    "PHASES",
    "PILLARS",
    "REVIEW_MONTHS",
    "ROLES",
    "ActionDone",
    "ActionRecorded",
    "Actor",
    "Assignment",
    "AuditEvent",
    "BotApi",
    "Button",
    "Channel",
    "CliCommand",
    "Command",
    "CommandError",
    "CommandInfo",
    "CommandSpec",
    "Context",
    "DisruptionRecorded",
    "Event",
    "Fact",
    "Form",
    "FormSpec",
    "Identity",
    "Input",
    "Item",
    "Job",
    "Nominal",
    "NotAllowed",
    "Ocg",
    "OcgAlias",
    "Outbox",
    "Permission",
    "Person",
    "PluginError",
    "PluginSettings",
    "ProfileFactAdded",
    "Register",
    "Reply",
    "ReviewRecorded",
    "Section",
    "Severity",
    "Tables",
    "collect",
    "hookimpl",
    "hookspec",
]
