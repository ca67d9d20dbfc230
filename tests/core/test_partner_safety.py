"""Issue 13, need-to-know: each attack as it was reported, on demo data and on data created in
chat during the test.

1. a partner who also holds other roles gets nothing a partner alone would not;
2. a record copied from another (done ... disrupt=) is withheld like the original;
3. a name socbot doesn't know yet is held for the officer before it reaches a partner;
4. sensitive records are for the OCG's police roles only.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from sqlmodel import Session, func, select
from test_access_partner import PARTNERS, everything_shown, secrets_of

from socbot import access, withhold
from socbot.identify import Who
from socbot.model import Reply
from socbot.render_text import render
from socbot.store.models import ROLES, Nominal, Ocg, Outbox, Person
from socbot.withhold import WITHHELD

OTHERS = [r for r in ROLES if r != "partner"]
POLICE_ONLY = ("profile.read", "audit.read", "profile.write", "action.create", "record.sensitive")


def _combinations() -> list[frozenset[str]]:
    return [
        frozenset({"partner", *extra})
        for size in range(len(OTHERS) + 1)
        for extra in combinations(OTHERS, size)
    ]


def test_being_a_partner_caps_every_role_for_every_command(bot) -> None:
    partner = access.Actor(1, "p", "P", "Trading Standards", roles=frozenset({"partner"}))
    specs = list(bot.commands.values()) + list(bot.forms.values())
    for roles in _combinations():  # 256 combinations x every command and form
        actor = access.Actor(1, "p", "P", "Trading Standards", "Portsmouth", roles=roles)
        for spec in specs:
            assert bot.access.scope(actor, spec.permission) == bot.access.scope(
                partner, spec.permission
            ), f"{sorted(roles)} gets more than a partner from {spec.name}"
        for permission in POLICE_ONLY:
            assert bot.access.scope(actor, permission) is None, (sorted(roles), permission)
        on_one = access.Actor(1, "p", "P", roles=roles, ocg_roles={1: set(roles)})
        assert not access.sees_sensitive(on_one, 1)


def test_a_partner_coordinator_is_refused_the_profile_and_learns_nothing(bot, say) -> None:
    reply = say("price", "ocg profile OCG-0001")
    assert reply.error
    assert "`profile` isn't available to you" in reply.text
    shown = everything_shown(reply)
    for fact in ("car wash", "Fratton Road", "Range Rover", "cash-only"):
        assert fact not in shown
    # the same words as for any command the person may not run at all
    assert say("price", "ocg audit OCG-0001").text == reply.text.replace("profile", "audit")


def test_a_partner_coordinator_cannot_task_actions_or_read_the_audit(say) -> None:
    assert say("price", 'ocg action smith protect @evans "Test purchase" by friday').error
    for line in ("ocg audit OCG-0001", "ocg profile smith", "ocg profile OCG-0002"):
        assert "isn't available to you" in say("price", line).text


def _new_ocg(say, name: str = "Fratton Crew") -> str:  # type: ignore[no-untyped-def]
    reply = say("hart", f'ocg new "{name}" band=2B tier=2 lro=@okafor area=Portsmouth')
    assert not reply.error, reply.text
    return reply.title.split()[0] if reply.title and reply.title.startswith("OCG-") else name


def _add_nominal(bot, ocg_name: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """A nominal learnt later (the chat command arrives with the 4P-plan work)."""
    with Session(bot.engine) as s:
        ocg = s.exec(select(Ocg).where(Ocg.name == ocg_name)).one()
        s.add(Nominal(ocg_id=ocg.id or 0, name=name, role="significant"))
        s.commit()


def _action_id(bot, text: str) -> int:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return s.exec(select(Action.id).where(Action.description == text)).one() or 0


def test_a_disruption_copied_from_an_action_withholds_the_name_as_reported(bot, say) -> None:
    text = "Visit Danny Smith at the Southsea nail salon"
    assert not say("okafor", f'ocg action OCG-0001 protect @evans "{text}" by friday').error
    number = _action_id(bot, text)
    assert WITHHELD in render(say("evans", "ocg actions mine"))
    done = say("evans", f'ocg done {number} "visited" disrupt=minor')
    assert not done.error, done.text
    for partner in ("evans", "price"):
        shown = everything_shown(say(partner, "ocg disruptions OCG-0001"))
        assert "Danny Smith" not in shown
        assert f"Visit {WITHHELD} at the Southsea nail salon: visited" in shown
    assert "Visit Danny Smith at the Southsea nail salon: visited" in render(
        say("okafor", "ocg disruptions OCG-0001")
    )


def test_names_learnt_later_are_withheld_from_what_was_written_before(bot, say) -> None:
    _new_ocg(say)
    line = 'ocg action "fratton crew" protect @evans "Ask Kayden Moss about the flat" by friday'
    held = say("okafor", line)
    assert not held.error and held.title == "Check what @evans will see"
    assert not say("okafor", line + " confirm").error
    assert "Kayden Moss" in render(say("evans", "ocg actions mine"))  # as the officer confirmed
    _add_nominal(bot, "Fratton Crew", "Kayden Moss")
    shown = everything_shown(say("evans", "ocg actions mine"))
    assert "Kayden Moss" not in shown and f"Ask {WITHHELD} about the flat" in shown


def test_an_unknown_name_is_held_for_the_officer_as_reported(bot, say) -> None:
    _new_ocg(say, "Fratton")
    line = 'ocg action fratton protect @evans "Talk to Jayden Reece about the deal line" by friday'
    with Session(bot.engine) as s:
        before = s.exec(select(func.count()).select_from(Action)).one()
    held = say("okafor", line)
    assert not held.error
    assert "Jayden Reece" in held.text and "Nothing has been saved" in held.text
    assert [f.value for f in held.facts] == ["Talk to Jayden Reece about the deal line"]
    assert held.facts[0].label == "Description as @evans will see it"
    with Session(bot.engine) as s:
        assert s.exec(select(func.count()).select_from(Action)).one() == before
    [button] = held.buttons
    assert button.label == "Send as shown"
    sent = bot.press(Who("console", "okafor"), button.action, button.payload, face="console")
    assert not sent.error and sent.title.startswith("Action #"), sent.text
    assert _action_id(bot, "Talk to Jayden Reece about the deal line")


def test_reworded_text_goes_through_and_shows_what_the_partner_will_see(say) -> None:
    reply = say(
        "okafor",
        'ocg action smith protect @evans "Visit Danny Smith about the runner at Fratton Road" '
        "by friday",
    )
    assert not reply.error and reply.title.startswith("Action #")  # a known nominal: withheld
    preview = {f.label: f.value for f in reply.facts}["Description as @evans will see it"]
    assert preview == f"Visit {WITHHELD} about the runner at Fratton Road"


def test_police_owners_get_no_preview_and_no_hold(say) -> None:
    reply = say("okafor", 'ocg action smith pursue @nguyen "Talk to Jayden Reece" by friday')
    assert reply.title.startswith("Action #")
    assert not any("will see it" in f.label for f in reply.facts)


def test_reassigning_to_a_partner_and_a_moderators_note_are_checked_too(bot, say) -> None:
    say("okafor", 'ocg action smith protect @nguyen "Speak to Jayden Reece" by friday')
    number = _action_id(bot, "Speak to Jayden Reece")
    held = say("okafor", f'ocg reassign {number} @evans "Leon Carter knows the tenant"')
    assert held.title == "Check what @evans will see" and "Leon Carter" in held.text
    assert not say("okafor", f'ocg reassign {number} @evans "handing over" confirm').error
    assert not say("evans", f'ocg done {number} "spoke to him" disrupt=minor').error
    with Session(bot.engine) as s:
        d = s.exec(select(Disruption).where(Disruption.action_id == number)).one()
    held = say("moss", f'ocg reject {d.id} "Ask Leon Carter for the outcome first"')
    assert held.title == "Check what @evans will see"


def test_every_message_to_a_partner_withholds_known_names(bot, say) -> None:
    """Nudges, digests and moderation notes, whichever plugin queued them."""
    say("okafor", 'ocg action smith protect @evans "Watch Danny Smith\'s nail bar" by friday')
    say("okafor", 'ocg action smith protect "Trading Standards" "Ask Lee Smith for ID" by friday')
    number = _action_id(bot, "Watch Danny Smith's nail bar")
    say("evans", f'ocg done {number} "seen" disrupt=minor')
    with Session(bot.engine) as s:
        d = s.exec(select(Disruption).where(Disruption.action_id == number)).one()
    say("moss", f'ocg accept {d.id} "Danny Smith was there: fine"')
    bot.clock = type(bot.clock).parse("2027-03-10T09:00")  # everything above is now overdue
    for job in ("action-nudges", "action-digest"):
        bot.run_job(job)
    with Session(bot.engine) as s:
        partners = s.exec(select(Person.id).where(Person.handle.in_(PARTNERS))).all()  # type: ignore[attr-defined]
        rows = s.exec(select(Outbox).where(Outbox.person_id.in_(partners))).all()  # type: ignore[union-attr]
        forbidden = secrets_of(s)
        kinds = {r.kind for r in rows}
        for row in rows:
            shown = everything_shown(Reply.from_dict(row.body))
            leaked = sorted(x for x in forbidden if x in shown)
            assert not leaked, f"{row.kind} to {row.person_id} shows {leaked}"
    assert {"nudge", "digest", "moderation"} <= kinds


def test_partners_see_no_name_anywhere_after_chat_writes(bot, say) -> None:
    """The read-everything check of test_access_partner, after names went in through chat."""
    say("okafor", 'ocg action smith protect @evans "Check Danny Smith\'s van" by friday')
    say("okafor", 'ocg disrupt smith minor protect "Carl Rowe warned at the salon"')
    number = _action_id(bot, "Check Danny Smith's van")
    say("evans", f'ocg done {number} "Danny Smith\'s van seen" disrupt=minor')
    with Session(bot.engine) as s:
        forbidden = secrets_of(s)
    for line in ("status OCG-0001", "disruptions OCG-0001", "actions", "chart OCG-0001"):
        for partner in ("evans", "price"):
            shown = everything_shown(say(partner, line))
            assert not [x for x in forbidden if x in shown], (partner, line)


# -- 4. sensitive ----------------------------------------------------------------------------


def test_a_sensitive_action_is_for_the_ocgs_police_roles_only(bot, say) -> None:
    line = 'ocg action smith pursue @cole "Deconflict the Range Rover with the NCA" by friday'
    assert not say("nguyen", line + " sensitive=yes").error
    number = _action_id(bot, "Deconflict the Range Rover with the NCA")
    assert "[sensitive]" in render(say("okafor", "ocg actions smith"))  # the LRO
    assert "[sensitive] Deconflict" in render(say("hart", "ocg actions smith"))  # the SRO
    for handle in ("walsh", "price", "evans"):  # coordinator of the area; partners
        assert "NCA" not in render(say(handle, "ocg actions smith"))
        assert say(handle, f'ocg snooze {number} friday "x"').error
    shared = say("okafor", "ocg actions smith share")
    assert shared.ephemeral and "sensitive" in (shared.context or "")


def test_only_the_sio_or_lro_marks_and_never_on_a_partners_action(bot, say) -> None:
    with Session(bot.engine) as s:
        evans = s.exec(select(Person).where(Person.handle == "evans")).one()
        theirs = s.exec(select(Action).where(Action.owner_id == evans.id)).first()
        assert theirs is not None
    refused = say("okafor", f'ocg sensitive action {theirs.id} "covert"')
    assert refused.error and "partner" in refused.text
    assert say("walsh", f'ocg sensitive action {theirs.id} "covert"').error
    assert say("evans", f'ocg sensitive action {theirs.id} "covert"').error
    assert say("brennan", 'ocg sensitive disruption 1 "covert"').error  # not their OCG
    marked = say("okafor", 'ocg sensitive disruption 1 "covert source"')
    assert not marked.error, marked.text
    with Session(bot.engine) as s:
        d = s.get(Disruption, 1)
        ocg = s.get(Ocg, d.ocg_id) if d else None
    assert d is not None and d.sensitive and ocg is not None
    for partner in ("evans", "price"):
        assert d.description not in everything_shown(say(partner, f"ocg disruptions {ocg.ref}"))


@pytest.mark.parametrize("handle", ["evans", "price"])
def test_a_sensitive_action_is_never_in_a_partners_digest_or_count(bot, say, handle) -> None:
    before = render(say(handle, "ocg status OCG-0001"))
    say("nguyen", 'ocg action smith pursue @cole "Covert op" by friday sensitive=yes')
    assert render(say(handle, "ocg status OCG-0001")) == before


# -- what an independent attack as a partner found next ----------------------------------------


def test_a_sensitive_action_never_goes_to_a_partner_and_is_never_in_their_nudge(bot, say) -> None:
    line = 'ocg action smith pursue @nguyen "Covert deconfliction with the NCA" by friday'
    assert not say("hart", line + " sensitive=yes").error
    number = _action_id(bot, "Covert deconfliction with the NCA")
    for to in ("@evans", '"Trading Standards"'):
        refused = say("okafor", f"ocg reassign {number} {to}")
        assert refused.error and "sensitive" in refused.text
    with Session(bot.engine) as s:  # however it got there (a role changed later, say)
        evans = s.exec(select(Person.id).where(Person.handle == "evans")).one()
        action = s.get(Action, number)
        assert action is not None
        action.owner_id = evans
        s.add(action)
        s.commit()
    bot.clock = type(bot.clock).parse("2027-03-10T09:00")
    bot.run_job("action-nudges")
    with Session(bot.engine) as s:
        for row in s.exec(select(Outbox).where(Outbox.person_id == evans)).all():
            assert "NCA" not in everything_shown(Reply.from_dict(row.body))


def test_a_partner_is_never_made_an_ocgs_lead_by_any_route(say) -> None:
    for line in ("ocg grant evans lro OCG-0001", "ocg grant price sro", "ocg grant nguyen partner"):
        reply = say("admin", line)
        assert reply.error and "partner" in reply.text, (line, reply.text)


def test_a_held_reply_to_a_partner_withholds_like_every_other_view(bot, say) -> None:
    text = "Check whether Stan Voss supplies the nail bar"  # a nominal of OCG-0009
    made = say("okafor", f'ocg action smith protect @evans "{text}" by friday confirm')
    number = _action_id(bot, text)
    seen_by_evans = render(say("evans", "ocg actions mine"))
    preview = {f.label: f.value for f in made.facts}["Description as @evans will see it"]
    assert f"#{number} {preview}" in seen_by_evans  # the preview is exactly what evans reads
    assert "Stan Voss" not in seen_by_evans
    held = say("evans", f'ocg reassign {number} @price "ask Kyle about it"')
    assert held.title == "Check what @price will see"
    assert "Stan Voss" not in everything_shown(held)


def test_a_partner_cannot_test_a_guessed_name_against_the_withholding(say) -> None:
    visible, hidden = say("evans", "ocg status Voss"), say("evans", "ocg status Doyle")
    assert visible.text.replace("Voss", "X") == hidden.text.replace("Doyle", "X")


def test_a_partner_cannot_probe_police_actions_through_a_disruption_link(bot, say) -> None:
    with Session(bot.engine) as s:
        police = s.get(Action, 1)  # the demo's cash seizure, @nguyen's
        assert police is not None and police.ocg_id == 1
        owner = s.get(Person, police.owner_id) if police and police.owner_id else None
    assert owner is not None and owner.agency == "Police"
    base = 'ocg disrupt OCG-0001 minor protect "Leaflet drop" tactic=bogus-id action='
    theirs, missing = say("evans", base + "1"), say("evans", base + "9999")
    assert theirs.error and missing.error
    assert theirs.text.replace("'1'", "N") == missing.text.replace("'9999'", "N")


def test_the_coordinators_channel_gets_the_digest_only_once_marked_secure(
    make_bot, engine, plugin_settings
) -> None:
    plugin_settings["actions"] = {"coordinators_channel": "C0COORD"}
    bot = make_bot(engine, demo=True)
    bot.clock = type(bot.clock).parse("2027-03-10T09:00")
    assert any("isn't marked secure" in line for line in bot.run_job("action-digest"))
    with Session(bot.engine) as s:
        assert not s.exec(select(Outbox).where(Outbox.channel == "C0COORD")).all()
    assert not bot.handle("ocg channel secure C0COORD", Who("console", "admin"), face="slack").error
    bot.clock = type(bot.clock).parse("2027-03-11T09:00")
    bot.run_job("action-digest")
    with Session(bot.engine) as s:
        assert s.exec(select(Outbox).where(Outbox.channel == "C0COORD")).all()


def test_a_known_surname_is_withheld_in_capitals_after_a_title_and_in_lookalike_letters(
    say,
) -> None:
    text = "Ask whether PIKE or mr pike or Vo\u00adss or \uff32\uff4f\uff57\uff45 still use the bar"
    say("okafor", f'ocg action smith protect @evans "{text}" by friday confirm')
    shown = render(say("evans", "ocg actions mine"))
    for leak in ("PIKE", "mr pike", "Vo\u00adss", "\uff32\uff4f\uff57\uff45", "Rowe"):
        assert leak not in shown


def test_sensitive_work_does_not_shape_a_partners_tactic_suggestions(say) -> None:
    before = render(say("evans", "ocg tactics for OCG-0001"))
    say("okafor", 'ocg action smith prepare @nguyen "Covert comms plan" by friday sensitive=yes')
    assert render(say("evans", "ocg tactics for OCG-0001")) == before


def _actor(bot, handle: str) -> access.Actor:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        person = s.exec(select(Person).where(Person.handle == handle)).one()
        return access.load_actor(s, person, bot.clock.utcnow())


def test_a_name_added_between_delivery_batches_is_withheld_from_the_next(
    bot, say, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Delivery reads every OCG's names for each batch and reuses the index built from them
    while they read the same (at national scale it is built for 100+ OCGs; here for all)."""
    monkeypatch.setattr(withhold._BUILT, "SMALLEST", 1)
    _new_ocg(say)
    text = "Ask Kayden Moss and Danny Smith about the flat"

    def batch() -> tuple[str, withhold.Names]:
        with Session(bot.engine) as s:
            names = withhold.Names(None, bot.access.aliases).on(s)
            every = names.every()
            names.need(every)
            return names.withhold(text, frozenset(every)), names

    first, read = batch()
    assert "Danny Smith" not in first and "Kayden Moss" in first
    again, reread = batch()
    assert again == first and reread.index is read.index  # the same rows: the same index
    _add_nominal(bot, "Fratton Crew", "Kayden Moss")
    later, _ = batch()
    assert later == f"Ask {WITHHELD} and {WITHHELD} about the flat"
    with Session(bot.engine) as s:  # a rename changes no count and no id
        moss = s.exec(select(Nominal).where(Nominal.name == "Kayden Moss")).one()
        moss.name = "Kayden Mossop"
        s.add(moss)
        s.commit()
    renamed, _ = batch()
    assert renamed == f"Ask {WITHHELD} Moss and {WITHHELD} about the flat"  # Kayden, not Moss
