"""Forms (Slack modals, Teams cards, console prompts) for adding and closing actions.

Their submissions become the same ``action`` and ``done`` commands as typed text, so every check
lives in one place and a user error comes back against the field it names.
"""

from __future__ import annotations

from socbot_plugins.actions import rules, store
from socbot_plugins.actions.view import description
from socbot_plugins.disruptions.models import GRADES

from socbot import PILLARS, Command, CommandError, Form, FormSpec, Input
from socbot.context import Context


def specs() -> tuple[FormSpec, ...]:
    return (
        FormSpec("action.add", build_add, submit_add, "action.create"),
        FormSpec("action.done", build_done, submit_done, "action.update"),
    )


def build_add(ctx: Context, payload: dict[str, str]) -> Form:
    """Prefilled from the payload: an OCG's card, or a tactic picked from the menu."""
    what = payload.get("what")
    tactic = payload.get("tactic")
    if tactic and not what:
        what = store.tactic(tactic).title
    return Form(
        "action.add",
        "Add an action",
        [
            Input("ocg", "OCG", value=payload.get("ocg"), placeholder="OCG-0042 or a name"),
            Input("pillar", "Pillar", "choice", PILLARS, value=payload.get("pillar")),
            Input("owner", "Owner", value=payload.get("owner"), placeholder="@handle or agency"),
            Input("what", "What is to be done", "multiline", value=what),
            Input(
                "when",
                "Due",
                required=False,
                value=payload.get("when"),
                placeholder="friday, in 2 weeks, 05/03/2027, end of month",
            ),
            Input("date", "or pick a date", "date", required=False, value=payload.get("date")),
        ],
        submit_label="Add action",
        payload={k: v for k, v in payload.items() if k in ("ocg", "what", "tactic")},
    )


def submit_add(values: dict[str, str]) -> Command:
    options = {
        k: values[k]
        for k in ("ocg", "pillar", "owner", "what", "when", "date", "tactic")
        if values.get(k)
    }
    for name, label in (("ocg", "Which OCG?"), ("pillar", "Which pillar?"), ("owner", "Who?")):
        if name not in options:
            raise CommandError(f"{label} This field is required.", field=name)
    if "when" not in options and "date" not in options:
        raise CommandError(
            "When is it due? Type it (friday, in 2 weeks, 05/03/2027) or pick a date.",
            field="when",
        )
    text = "action " + " ".join(f'{k}="{v}"' for k, v in options.items())
    return Command("action", options=options, text=text)


def build_done(ctx: Context, payload: dict[str, str]) -> Form:
    """Titled with the action itself, so the right one is closed."""
    action, _ocg, _owner = rules.find(ctx, payload.get("id"))
    return Form(
        "action.done",
        f"Close action #{action.id}",
        [
            Input(
                "result",
                f"Result of: {description(ctx.session, action, ctx.sanitised)[:120]}",
                "multiline",
                value=payload.get("result"),
                placeholder="What happened? One line is enough.",
            ),
            Input(
                "disrupt",
                _disrupt_label(ctx),
                "choice",
                ("no", *GRADES),
                value=payload.get("disrupt"),
            ),
        ],
        submit_label="Close action",
        payload={"id": str(action.id)},
    )


def _disrupt_label(ctx: Context) -> str:
    """The question, with the grades' definitions (the disruptions plugin's settings)."""
    if "disrupt" not in ctx.commands:
        return "Did it disrupt the group?"
    from socbot_plugins.disruptions.settings import DisruptionsSettings

    defined = ctx.plugin_settings("disruptions", DisruptionsSettings).definitions("grade")
    return "Did it disrupt the group? (" + "; ".join(f"{g}: {d}" for g, d in defined.items()) + ")"


def submit_done(values: dict[str, str]) -> Command:
    ident = str(store.action_id(values.get("id")))
    grade = (values.get("disrupt") or "").lower()
    if not grade:
        raise CommandError("Did it disrupt the group? Choose a grade, or no.", field="disrupt")
    options = {"disrupt": "no" if grade == "none" else grade}
    result = values.get("result", "")
    text = f'done {ident} "{result}" disrupt={options["disrupt"]}'
    return Command("done", (ident, result) if result else (ident,), options, text=text)
