"""The permission matrix, enforced: every command x every role x an own and another OCG.

Expectations come from the permissions the built-in plugins register and from facts of the demo
force written out here (who holds what on OCG-0001 and OCG-0003), not from ``Access.can``, so a
bug in the access code cannot hide itself. Commands are collected from the plugins at test time:
a new command is covered the moment it is registered, with arguments filled in from its usage.

- Not allowed by the matrix: the reply is a refusal, or exactly the reply for an OCG (or record)
  that does not exist.
- Allowed: never the "not found" reply, and the audit row names the OCG the command reached.
"""

from __future__ import annotations

import re

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from sqlmodel import Session, select

from socbot import docs_gen
from socbot.access import ANY, OWN
from socbot.plugins import get_plugin_manager
from socbot.registry import CommandSpec, collect
from socbot.store.models import AuditEvent, Ocg

# role -> (demo person holding it, do they own OCG-0001 for that role, OCG-0003?)
ACTORS = {
    "admin": "admin",
    "sro": "hart",
    "lro": "okafor",  # LRO of OCG-0001, not of OCG-0003 (brennan's)
    "sio": "nguyen",  # SIO of OCG-0001
    "plead": "patel",  # Prevent lead on OCG-0001
    "coordinator": "walsh",  # Portsmouth: OCG-0001 is in the area, OCG-0003 (Southampton) not
    "analyst": "khan",
    "moderator": "moss",
    "partner": "evans",  # holds action 2 on OCG-0001; nothing on OCG-0003
}
OWN_OCG, OTHER_OCG, NO_OCG = "OCG-0001", "OCG-0003", "OCG-0999"
MATRIX = {name: p.grants for name, p in docs_gen.built_in()[0].permissions.items()}
NO_ID = 99999
SPECS = {
    s.name: s
    for _, s in collect(
        get_plugin_manager(load_entrypoints=False), "register_commands", CommandSpec
    )
}
FILL = {
    "<pillar>": "prevent",
    "<when>": "friday",
    "<date>": "friday",
    "<category>": "business",
    "<days>": "7",
    "<words>": "cash",
    "<name>": "Portsmouth",
    "<grade>": "minor",
    "HANDLE": "newbie",
    "ROLE": "analyst",
    "DATE": "friday",
    "CHANNEL": "C0MATRIX",
    "N": "3",
    "@owner": "@nguyen",
    "@handle": "@nguyen",
}


def _required(form: str) -> str:
    while re.search(r"\[[^\[\]]*\]", form):
        form = re.sub(r"\[[^\[\]]*\]", "", form)
    return form


def _forms(usage: str) -> list[str]:
    """The usage's alternatives: `` | `` outside brackets."""
    forms, depth, current = [], 0, ""
    for i, ch in enumerate(usage):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "|" and depth == 0 and usage[i - 1 : i + 2] == " | ":
            forms.append(current.strip())
            current = ""
        else:
            current += ch
    return [*forms, current.strip()]


def _alternative(usage: str) -> str:
    """The first form of the usage that names an OCG or a record id, else the first."""
    forms = _forms(usage)
    targeted = [f for f in forms if re.search(r"<OCG>|<id>|\bOCG\b", _required(f))]
    return (targeted or forms)[0]


def invocation(spec: CommandSpec, target: str) -> tuple[str, bool]:
    """(command text, whether it addresses ``target``), filled in from the declared usage."""
    form = _required(_alternative(spec.usage or spec.name))
    words, aimed = [spec.name], False
    for token in re.findall(r'"[^"]*"|\S+', form)[1:]:
        if token in ("<OCG>", "OCG") or (token == "<id>" and needs_id(spec)):
            words.append(target)
            aimed = True
        elif token.startswith('"'):
            words.append('"matrix test"')
        elif token in FILL:
            words.append(FILL[token])
        elif token == "<id>":
            words.append("1")
        elif token.startswith("<"):
            words.append(token.strip("<>").split("|")[0])
        elif "|" in token:
            words.append(token.split("|")[0])
        else:
            words.append(token)
    return " ".join(words), aimed


def needs_id(spec: CommandSpec) -> bool:
    """Addressed by an action's or a disruption's id (which belongs to one OCG)."""
    records = spec.permission.startswith(("action.", "disruption."))
    return records and "<id>" in _required(_alternative(spec.usage))


def expected(role: str, permission: str, ocg_ref: str | None) -> bool:
    grant = MATRIX[permission].get(role)
    if grant == ANY:
        return True
    if grant == OWN:
        return ocg_ref is None or ocg_ref == OWN_OCG
    return False


def record_id(session: Session, spec: CommandSpec, ocg_ref: str, handle: str) -> int:
    """A record on that OCG the command works on: disruptions or actions, by permission."""
    ocg = session.exec(select(Ocg).where(Ocg.ref == ocg_ref)).one()
    if spec.permission.startswith("disruption"):
        rows = session.exec(select(Disruption).where(Disruption.ocg_id == ocg.id)).all()
    else:
        rows = session.exec(select(Action).where(Action.ocg_id == ocg.id)).all()
        mine = [a for a in rows if a.owner_id is not None and a.owner_id == _pid(session, handle)]
        rows = mine or [a for a in rows if a.status == "open"] or rows
    assert rows, f"the demo has no record for {spec.name} on {ocg_ref}"
    return rows[0].id


def _pid(session, handle):  # type: ignore[no-untyped-def]
    from socbot.store.models import Person

    return session.exec(select(Person.id).where(Person.handle == handle)).one()


def last_row(engine, handle: str, verb: str) -> AuditEvent:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(
            select(AuditEvent)
            .where(AuditEvent.actor == handle, AuditEvent.action == verb)
            .order_by(AuditEvent.id.desc())
        ).first()


def hidden_like(a: str, a_target: str, b: str, b_target: str) -> bool:
    def norm(text: str, target: str) -> str:
        return re.sub(rf"(?<![\w-]){re.escape(target)}(?![\w-])", "X", text)

    return norm(a, a_target) == norm(b, b_target)


def test_the_matrix_covers_every_registered_command(bot):
    assert set(SPECS) == set(bot.commands)
    for spec in bot.commands.values():
        assert spec.permission in MATRIX, spec.name


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_role_on_an_own_and_another_ocg(name, bot):
    spec = bot.commands[name]
    # Partners first: their own record must still be theirs when they try it.
    for role in sorted(ACTORS, key=lambda r: r != "partner"):
        handle = ACTORS[role]
        for ocg_ref in (OTHER_OCG, OWN_OCG):
            with Session(bot.engine) as s:
                target = str(record_id(s, spec, ocg_ref, handle)) if needs_id(spec) else ocg_ref
            text, aimed = invocation(spec, target)
            reply = bot.handle(text, _who(handle), face="console")
            row = last_row(bot.engine, handle, spec.name)
            allowed = expected(role, spec.permission, ocg_ref if aimed else None)
            where = f"{handle} ({role}): {text!r} -> {reply.text!r}"
            assert row is not None, where
            assert "incident" not in (reply.text or ""), where
            if not aimed:
                assert (row.outcome == "refused") == (not allowed), where
                break  # no OCG in the command: one run per role is enough
            unknown = NO_OCG if not needs_id(spec) else str(NO_ID)
            ghost = bot.handle(invocation(spec, unknown)[0], _who(handle), face="console")
            looks_missing = hidden_like(reply.text or "", target, ghost.text or "", unknown)
            if allowed:
                # A record (an action) can carry finer rules than its OCG: owner, pillar lead.
                assert needs_id(spec) or row.outcome != "refused", where
                assert row.outcome == "refused" or not looks_missing, where
                assert row.ocg_ref == ocg_ref, f"audit row has no OCG: {where}"
            else:
                assert row.outcome == "refused" or looks_missing, where
                assert row.outcome != "ok", where


def _who(handle: str):  # type: ignore[no-untyped-def]
    from socbot.identify import Who

    return Who("console", handle)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_generated_invocation_reaches_the_command(name):
    """Guards the filler above: a usage it cannot fill would make the matrix test vacuous."""
    spec = SPECS[name]
    text, _aimed = invocation(spec, OWN_OCG)
    assert text.split()[0] == name and "<" not in text and "[" not in text, text
