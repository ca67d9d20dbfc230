"""The LRO runs their own plan (issue 15, part 3) and every OCG has an LRO (part 6).

Gaps replayed: "`ocg set smith phase hold` -> "`set` isn't available to you""; "only the SRO or
admin names P leads or grants roles"; "defaults every OCG to Clear and filters suggestions by
it"; "lets `new` and import create an OCG with no LRO". Okafor is Smith Brothers' LRO; Hart the
SRO; Brennan another OCG's LRO.
"""

import pytest
from socbot_plugins.plan.models import Decision
from sqlmodel import Session, func, select

from socbot.store.models import Ocg


def ocg(bot, ref: str) -> Ocg:
    with Session(bot.engine) as s:
        return s.exec(select(Ocg).where(Ocg.ref == ref)).one()


@pytest.fixture
def log(bot):
    """The decision-log entries of one OCG written by the test (the demo's own left out)."""
    with Session(bot.engine) as s:
        demo = s.exec(select(func.max(Decision.id))).one() or 0

    def entries(_bot, ref: str) -> list[Decision]:
        with Session(bot.engine) as s:
            oid = s.exec(select(Ocg.id).where(Ocg.ref == ref)).one()
            query = select(Decision).where(Decision.ocg_id == oid, Decision.id > demo)
            return list(s.exec(query.order_by(Decision.id)).all())

    return entries


def test_the_lro_sets_the_phase_with_the_reason_logged(bot, say, log):
    reply = say("okafor", 'ocg set smith phase hold because "principals remanded; hold the estate"')
    assert not reply.error, reply.text
    assert ocg(bot, "OCG-0001").phase == "hold"
    [entry] = log(bot, "OCG-0001")
    assert (entry.topic, entry.text, entry.rationale) == (
        "phase",
        "clear → hold",
        "principals remanded; hold the estate",
    )
    assert reply.context is None


def test_a_change_with_no_reason_is_logged_as_such_and_the_reply_says_how_to_add_one(bot, say, log):
    reply = say("okafor", "ocg set smith phase build")
    assert not reply.error, reply.text
    assert {f.label: f.value for f in reply.facts}["Because"] == "no reason given"
    assert "corrects=<number>" in reply.context and 'because "..."' in reply.context
    assert log(bot, "OCG-0001")[0].rationale == "no reason given"


def test_the_lro_appoints_the_sio_and_p_leads_each_logged(bot, say, log):
    reply = say("okafor", 'ocg set smith prevent @cole because "runs the schools programme"')
    assert not reply.error, reply.text
    assert not say("okafor", "ocg set smith sio @patel").error
    assert not say("okafor", "ocg set smith intel @khan").error
    entries = [(d.topic, d.pillar, d.text) for d in log(bot, "OCG-0001")]
    assert entries == [
        ("lead", "prevent", "@patel → @cole"),
        ("role", None, "SIO: @nguyen → @patel"),
        ("lead", "intel", "none → @khan"),
    ]
    items = say("okafor", "ocg decisions smith").sections[0].items
    [prevent] = [i for i in items if "Lead (prevent)" in i.text]
    assert prevent.text.endswith("@okafor: Lead (prevent): @patel → @cole")
    assert prevent.detail == "because runs the schools programme"


def test_the_lro_and_sro_roles_names_and_status_stay_with_admin_and_the_sro(bot, say, log):
    for line in (
        "ocg set smith lro @brennan",
        "ocg set smith sro @okafor",
        "ocg set smith area Southsea",
        'ocg set smith name "Smith Family"',
        "ocg set smith status archived",
        "ocg set smith delegate @nguyen until 31/03/2027",
    ):
        reply = say("okafor", line)
        assert reply.error, line
        assert "ask the SRO" in reply.text and "You can set: phase, sio" in reply.text, line
    assert ocg(bot, "OCG-0001").area == "Portsmouth" and log(bot, "OCG-0001") == []
    # another OCG's LRO can't touch this one at all; the SIO can't set its phase
    assert "can't find" in say("brennan", "ocg set smith phase hold").text
    assert say("nguyen", "ocg set smith phase hold").error
    # the SRO sets anything; an administrator everything but the plan's phase
    assert not say("hart", 'ocg set smith area Southsea phase hold because "estate quiet"').error
    assert not say("admin", "ocg set smith lro @brennan").error
    assert "`plan.write`" in say("admin", "ocg set smith phase build").text


def test_set_is_offered_to_the_lro_in_help(bot, say):
    assert "set" in str(say("okafor", "help").to_dict())
    assert not say("okafor", "help set").error


# -- no default phase ----------------------------------------------------------------------------


def test_a_new_ocg_has_no_phase_until_one_is_set(bot, say):
    reply = say("hart", 'ocg new "Canal Street Crew" band=3A tier=3 lro=@okafor')
    assert not reply.error, reply.text
    made = ocg(bot, "OCG-0011")
    assert made.phase == ""
    status = say("okafor", "ocg status canal")
    phase = {f.label: f.value for f in status.facts}["Phase"]
    assert phase == 'not set — `ocg set OCG-0011 phase clear because "..."` (or hold, or build)'
    tactics = say("okafor", "ocg tactics for canal")
    assert tactics.text.startswith("Phase: not set, so tactics for every phase are shown")
    assert not any("phase" in (i.detail or "") for i in tactics.items)
    phases = {i.detail.split(" · ")[1] for i in tactics.items}  # every pillar, any phase
    assert len(phases) > 1
    assert not say("okafor", 'ocg set canal phase build because "community work first"').error
    assert all(
        "suits the Build phase" in (i.detail or "")
        for i in say("okafor", "ocg tactics for canal").items
    )


# -- every OCG has an LRO ------------------------------------------------------------------------


def test_new_refuses_an_ocg_with_no_lro(bot, say):
    reply = say("hart", 'ocg new "Quayside Crew" band=3C tier=4')
    assert reply.error and reply.field == "lro" and 'nolro="..."' in reply.text
    assert say(
        "admin", 'ocg new "Quayside Crew" band=3C tier=4 nolro="not yet allocated at all"'
    ).error
    assert say("hart", 'ocg new "Quayside Crew" band=3C tier=4 nolro="later"').error
    assert "OCG-0011" not in str(say("hart", "ocg list").to_dict())


def test_the_sro_adds_an_ocg_with_no_lro_recording_why(bot, say, log):
    reply = say(
        "hart",
        'ocg new "Quayside Crew" band=3C tier=4 nolro="awaiting allocation at March tasking"',
    )
    assert not reply.error, reply.text
    lro = {f.label: f.value for f in reply.facts}["LRO"]
    assert lro.startswith("none, because awaiting allocation at March tasking")
    [entry] = log(bot, "OCG-0011")
    assert (entry.topic, entry.text, entry.rationale) == (
        "no-lro",
        "added with no LRO",
        "awaiting allocation at March tasking",
    )


def _write(path, rows: str) -> None:
    path.write_text("name,band,tier,lro,sro,no_lro_reason\n" + rows)


def test_import_refuses_a_new_ocg_with_no_lro_unless_the_sro_says_why(bot, tmp_path, capsys, log):
    import argparse

    from socbot_plugins.ocg.import_ocgs import IMPORT

    def run(path):
        args = argparse.Namespace(file=path, dry_run=False, overwrite_chat_changes=False)
        return IMPORT.run(bot, args)

    path = tmp_path / "ocgs.csv"
    _write(
        path,
        "Quayside Crew,3C,4,,,\nDock Lane,3C,4,,hart,soon\n"
        "Mill Row,3C,4,,,not allocated yet at all\n",
    )
    assert run(path) == 1
    out = capsys.readouterr().out
    assert "line 2: lro: a new OCG needs an LRO" in out
    assert "line 3: no_lro_reason: say why in a few words" in out
    assert "line 4: no_lro_reason: name the SRO who decided it" in out
    _write(
        path,
        "Quayside Crew,3C,4,,hart,awaiting allocation at March tasking\nDock Lane,3C,4,okafor,,\n",
    )
    assert run(path) == 0, capsys.readouterr().out
    [entry] = log(bot, "OCG-0011")
    assert (entry.topic, entry.rationale) == ("no-lro", "awaiting allocation at March tasking")
    with Session(bot.engine) as s:
        from socbot.store.models import Person

        assert s.get(Person, entry.by_id).handle == "hart"
    assert log(bot, "OCG-0012") == []
