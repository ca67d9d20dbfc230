"""``ocg plan <OCG>``: the plan on one screen, from ``view.load``.

Every gap is said where it is (no aim, a pillar with neither objective nor a "not developed"
decision), with the one-line command that fills it, so the plan shows what to do next.
"""

from __future__ import annotations

from socbot_plugins.plan.decisions import TOPIC_WORDS
from socbot_plugins.plan.view import PillarPlan, PlanData

from socbot.clock import say_date
from socbot.context import Context
from socbot.model import Button, Fact, Item, Reply, Section, Severity


def plan_reply(ctx: Context, data: PlanData) -> Reply:
    if data.partner_view:
        return _partner_reply(data)
    ref = data.ref
    facts = [
        Fact("Band / tier", f"{data.band} / tier {data.tier}"),
        Fact("Phase", (data.phase or "not set").capitalize()),
        Fact("LRO", data.lro or "none", None if data.lro else Severity.WARNING),
        Fact("Next review", say_date(data.review_due)),
    ]
    if data.status != "active":
        facts.insert(0, Fact("Status", data.status, Severity.WARNING))
    aim = data.aim or f'No aim yet: `ocg plan {ref} aim "..."`'
    sections = [
        Section(
            "Aim",
            text=aim,
            facts=[
                Fact("Hold", data.hold or f'not recorded: `ocg plan {ref} hold "..."`'),
                Fact("Build", data.build or f'not recorded: `ocg plan {ref} build "..."`'),
            ],
        )
    ]
    sections += [_pillar(ref, p) for p in data.pillars]
    extra = []
    if data.nominals:
        extra.append(Fact("Nominals", "; ".join(f"{n.name} ({n.role})" for n in data.nominals)))
    extra.append(Fact("Targets", "; ".join(data.targets) or f'none: `ocg plan {ref} target "..."`'))
    extra.append(Fact("Partners tasked", "; ".join(data.partners_tasked) or "none"))
    open_intel = [i for i in data.intel if i.status == "open"]
    extra.append(
        Fact(
            "Intelligence",
            "; ".join(f"#{i.id} {i.requirement} ({i.owner})" for i in open_intel)
            or "no open requirement",
        )
    )
    sections.append(Section("Around the plan", facts=extra))
    sections.append(
        Section(
            "Latest decisions",
            items=[_decision(d) for d in data.decisions[:5]]
            or [Item(f'none yet: `ocg decide {ref} "..." because "..."`')],
        )
    )
    return Reply(
        title=f"4P plan: {ref} {data.name}",
        facts=facts,
        sections=sections,
        buttons=[
            Button("Add objective", "form:plan-objective", {"ocg": ref}),
            Button("Record decision", "form:plan-decision", {"ocg": ref}),
        ],
        context=f"`ocg decisions {ref}` for the whole log; "
        f"`socbot export plan {ref} --format pdf` for the document",
    )


def _pillar(ref: str, p: PillarPlan) -> Section:
    facts = [Fact("Lead", p.lead or f"none: `ocg lead {ref} {p.pillar} @handle`")]
    items = [
        Item(
            f"Objective #{o.id}{f' ({o.level})' if o.level else ''}: {o.what}",
            f"measure: {o.measure}; by {say_date(o.target) if o.target else 'no date'}; {o.status}",
        )
        for o in p.objectives
    ]
    items += [
        Item(
            f"Action {a.id}: {a.text}",
            f"{a.owner}, due {say_date(a.due)}",
            Severity.WARNING if a.overdue else None,
        )
        for a in p.open_actions
    ]
    items += [Item(f"Done {a.id}: {a.text}", f"result: {a.result}") for a in p.done_actions]
    items += [Item(f"Not developed: {why}") for why in p.not_developed]
    if not p.objectives and not p.not_developed:
        items.insert(
            0,
            Item(
                "No objective, and no decision saying why not",
                f'`ocg objective {ref} {p.pillar} "..." measure="..." by <date>` or '
                f'`ocg decide {ref} not {p.pillar} "..." because "..."`',
                Severity.WARNING,
            ),
        )
    return Section(p.pillar.capitalize(), facts=facts, items=items)


def _decision(d) -> Item:  # type: ignore[no-untyped-def]
    label = TOPIC_WORDS.get(d.topic, d.topic.capitalize())
    who = f" {d.by}" if d.by else ""
    return Item(f"#{d.id} {say_date(d.at)}{who}: {label}: {d.text}", f"because {d.rationale}")


def _partner_reply(data: PlanData) -> Reply:
    """What is written for partners: their own actions and the decisions marked for them."""
    items = [
        Item(f"Action {a.id} ({p.pillar}): {a.text}", f"due {say_date(a.due)}")
        for p in data.pillars
        for a in p.open_actions
    ]
    return Reply(
        title=f"{data.ref} {data.name}",
        text=f"Next review due {say_date(data.review_due)}.",
        sections=[
            Section("Your actions", items=items or [Item("none open")]),
            Section(
                "Decisions shared with partners",
                items=[_decision(d) for d in data.decisions] or [Item("none")],
            ),
        ],
        sanitised=True,
    )
