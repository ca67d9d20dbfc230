"""Cards for the plan (a Slack modal, a Teams card): set an objective, record a decision.

A submission becomes the same ``Command`` as the typed line, so the checks and the log are the
ones chat goes through.
"""

from __future__ import annotations

from socbot_plugins.plan.decisions import PLAN_PILLARS
from socbot_plugins.plan.models import PREVENT_LEVELS

from socbot.context import Context
from socbot.model import Command, CommandError, Form, Input
from socbot.registry import FormSpec


def specs() -> tuple[FormSpec, ...]:
    return (
        FormSpec("plan-objective", build_objective, submit_objective, "plan.write"),
        FormSpec("plan-decision", build_decision, submit_decision, "plan.write"),
    )


def build_objective(ctx: Context, payload: dict[str, str]) -> Form:
    return Form(
        "plan-objective",
        "Set an objective",
        [
            Input("ocg", "OCG", value=payload.get("ocg"), placeholder="OCG-0042 or a name"),
            Input("pillar", "Pillar", "choice", PLAN_PILLARS, value=payload.get("pillar")),
            Input("what", "Objective", "multiline", placeholder="Specific and achievable"),
            Input("measure", "How it is measured"),
            Input("by", "By when", placeholder="31/03/2027, end of June"),
            Input("level", "Prevent level", "choice", ("", *PREVENT_LEVELS), required=False),
        ],
        submit_label="Set objective",
        payload={"ocg": payload.get("ocg", "")},
    )


def submit_objective(values: dict[str, str]) -> Command:
    _required(values, ("ocg", "pillar", "what", "measure", "by"))
    args = (values["ocg"], values["pillar"], values["what"], "by", values["by"])
    options = {"measure": values["measure"]}
    if values.get("level"):
        options["level"] = values["level"]
    return Command("objective", args, options, text=f"objective {values['ocg']} (card)")


def build_decision(ctx: Context, payload: dict[str, str]) -> Form:
    return Form(
        "plan-decision",
        "Record a decision",
        [
            Input("ocg", "OCG", value=payload.get("ocg"), placeholder="OCG-0042 or a name"),
            Input("kind", "Kind", "choice", ("decision", "not doing"), value="decision"),
            Input("pillar", "Pillar", "choice", ("", *PLAN_PILLARS, "intel"), required=False),
            Input("text", "Decision", "multiline"),
            Input("because", "Because", "multiline", placeholder="The rationale: required"),
            Input("partner", "Partners may read it", "choice", ("no", "yes"), value="no"),
        ],
        submit_label="Record",
        payload={"ocg": payload.get("ocg", "")},
    )


def submit_decision(values: dict[str, str]) -> Command:
    _required(values, ("ocg", "text", "because"))
    args = [values["ocg"]]
    if values.get("kind") == "not doing":
        args.append("not")
    if values.get("pillar"):
        args.append(values["pillar"])
    args += [values["text"], "because", values["because"]]
    options = {"partner": values.get("partner") or "no"}
    return Command("decide", tuple(args), options, text=f"decide {values['ocg']} (card)")


def _required(values: dict[str, str], names: tuple[str, ...]) -> None:
    for name in names:
        if not (values.get(name) or "").strip():
            raise CommandError("This field is required.", field=name)
