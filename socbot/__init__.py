"""socbot: 4P plans, actions and disruptions against organised crime groups, in chat."""

from socbot.hookspecs import hookimpl
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
from socbot.registry import CliCommand, CommandSpec, FormSpec, Job

__all__ = [
    "Button",
    "CliCommand",
    "Command",
    "CommandError",
    "CommandSpec",
    "Fact",
    "Form",
    "FormSpec",
    "Input",
    "Item",
    "Job",
    "NotAllowed",
    "Reply",
    "Section",
    "Severity",
    "hookimpl",
]
