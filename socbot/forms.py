"""Forms (Slack modals, Teams cards): what opening one runs, and a refused submission shown again
with the person's answers kept and the error against the field it is about."""

from __future__ import annotations

from socbot.context import Context
from socbot.model import Command, CommandError, Reply, Severity
from socbot.registry import FormSpec, Handler


def opener(spec: FormSpec, payload: dict[str, str]) -> Handler:
    """The handler that builds ``spec``'s form, for those holding its permission."""

    def build(ctx: Context, _cmd: Command) -> Reply:
        ctx.require(spec.permission)
        form = spec.build(ctx, payload)
        return Reply(title=form.title, form=form)

    return build


def refilled(opened: Reply, values: dict[str, str], exc: CommandError) -> Reply:
    """The form ``opened`` again, filled in with ``values``, ``exc`` against its field (the first
    field when it names none of them)."""
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
