"""Hostile-partner attacks on the 4P plan features (plan, decide/decisions, objective, lead, team,
handover, intel, health, close/reopen, reviews, nominals, export --partner).

Each test reproduces a leak a hostile partner (or a curious officer) found;
each failed before its fix.
"""

from __future__ import annotations

from argparse import Namespace

from socbot_plugins.plan import export

from socbot.render_text import render

SECRET = (
    'ocg decide smith "Carl Rowe aka Rowey and Big Dan run the cash through the car wash" '
    'because "council licensing can act on it" partner=yes'
)


def _text(reply) -> str:  # type: ignore[no-untyped-def]
    return render(reply)


def test_a_partner_recovers_a_nominals_name_by_typing_a_fragment(say):
    assert not say("okafor", SECRET).error
    baseline = _text(say("evans", "ocg decisions OCG-0001"))
    assert "Carl Rowe" not in baseline and "Big Dan" not in baseline  # withheld normally
    # Three characters the partner did not know spell nothing of the name on their own...
    probed = _text(say("evans", 'ocg decisions OCG-0001 "l R" "g D" "wey"'))
    # ...yet the reply now carries the full name and both aliases.
    for secret in ("Carl Rowe", "Big Dan", "Rowey"):
        assert secret not in probed, probed


def test_the_partner_export_withholds_nominal_aliases(bot, say, tmp_path):
    assert not say("okafor", SECRET).error
    chat = _text(say("evans", "ocg decisions OCG-0001"))
    assert "Rowey" not in chat and "Big Dan" not in chat  # chat withholds them
    for fmt in ("md",):
        out = tmp_path / f"partner.{fmt}"
        args = Namespace(
            ocg="OCG-0001", format=fmt, out=str(out), partner=True, agency="Trading Standards"
        )
        assert export.run(bot, args) == 0
        text = out.read_text()
        assert "Carl Rowe" not in text  # the full name is withheld...
        assert "Rowey" not in text and "Big Dan" not in text, text  # ...the aliases are not


def test_a_partner_decision_naming_someone_unknown_is_held_like_an_action(say):
    line = (
        'ocg decide harbour "Talk to Jayden Reece about the deal line" because '
        '"Keisha Brown runs the phones for him" partner=yes'
    )
    say("okafor", line)
    seen = _text(say("ford", "ocg decisions OCG-0002")) + _text(say("ford", "ocg plan OCG-0002"))
    assert "Jayden Reece" not in seen and "Keisha Brown" not in seen, seen


def test_an_lro_cannot_probe_other_ocgs_objectives_or_requirements_by_number(say):
    made = say(
        "okafor",
        'ocg objective smith prevent "refer ten children" measure="referrals" by 31/03/2027',
    )
    assert not made.error, made.text
    number = made.title.split("#")[1].split()[0]
    intel = say("okafor", 'ocg intel smith "who supplies the cash to the car wash?" @khan')
    assert not intel.error, intel.text
    req = intel.title.split("#")[1].split(":")[0]
    assert "OCG-0001" not in _text(say("brennan", "ocg list"))  # brennan can't see smith
    hidden = say("brennan", f'ocg objective {number} met "all done here"').text
    unknown = say("brennan", 'ocg objective 9999 met "all done here"').text
    assert hidden.replace(number, "N") == unknown.replace("9999", "N"), (hidden, unknown)
    hidden = say("brennan", f'ocg intel {req} response "nothing new here"').text
    unknown = say("brennan", 'ocg intel 9999 response "nothing new here"').text
    assert hidden.replace(req, "N") == unknown.replace("9999", "N"), (hidden, unknown)
