"""Spotting personal names in free text before it reaches a partner.

Nominals the store knows are withheld when read (``socbot.withhold``). This is for the names it
does not know yet: an officer types "Talk to Jayden Reece about the deal line" on a new OCG that
has no nominals. Before such text is given to a partner, the officer sees exactly what the
partner will read and confirms or rewords it.

How: a run of capitalised words counts as a person's name when it starts with a title (Mr, Mrs,
Dr...) or with a first name from gender-guesser's list of about 48,000 given names from many
countries (Jörg Michael's ``nam_dict``), unless its last word makes it a place or an organisation
("Victoria Road", "Grace Hall Surgery"). A first name on its own counts too unless it is also an
everyday word ("Will", "Hope") or an opening verb ("Tell", "Run"). People enrolled in socbot
and agency names are known to partners and never count. docs/security.md gives the measured
error rates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*")
_TITLES_WORDS = """
    mr mrs ms miss mx dr sir dame lady lord pc dc ds di dci sgt insp pcso
"""
_TITLES = frozenset(_TITLES_WORDS.split())
# Last words that make a capitalised run a place, a building, a business or a body.
_PLACE_OR_BODY_WORDS = """
    road street st lane avenue ave close way drive crescent terrace place square gardens
    grove hill park row walk parade court estate house flats tower towers mews yard
    wharf quay bridge station centre center hospital surgery school academy college church
    hall halls library market arcade retail shop shops store stores salon barbers cafe bar
    pub inn hotel motors garage garages autos cars wash services service council standards
    housing police fire rescue trust authority agency department office ltd limited plc llp
    group company co partners associates enterprises holdings trading homes lettings
    properties stadium club gym mail post bank logistics transport haulage leisure
    brothers bros crew gang firm line act order orders
    regulations bill moor heath common vale end cross town city village bay port field
    fields wood woods valley coast island islands
"""
_PLACE_OR_BODY = frozenset(_PLACE_OR_BODY_WORDS.split())
# Given names that are also everyday words in this work: a lone one is not taken for a name.
_EVERYDAY_WORDS = """
    will may mark chase hope faith grace joy rose ruby pearl sun summer autumn april june
    august bill don ray guy jack nail price cash gold silver golden brook dawn frank sonny
    penny crystal amber jade ivy holly lily daisy heather iris poppy angel baby king prince
    duke earl major rich sunny candy honey star sky storm river rain so an al lee van art
    bay dale grant hunter lane mason page parker reed rob ward wood young long love many
    more most mine one just case vice drug drugs cannabis ocg smart justice
"""
_EVERYDAY = frozenset(_EVERYDAY_WORDS.split())
# Words that open a capitalised run naming a thing ("The Grange", "Operation Talon").
_THING_WORDS = """
    the a an this that these those our your their his her its my no all any every each
    operation op ocg section part chapter schedule take five one two three four six seven
    eight nine ten national regional
"""
_THING = frozenset(_THING_WORDS.split())
# Verbs that open an instruction and are also in the list of given names ("Tell Marcus...").
_VERBS_WORDS = """
    ask call ring tell visit meet check see give warn serve speak contact chase help find
    refer email text phone run read review say send update
    in on at to for by with from of if as is it be do no not or and but so then when where
    while after before under over into onto about also once each both either loan door
"""
_VERBS = frozenset(_VERBS_WORDS.split())
_NAMING = frozenset({"the", "a", "an", "operation", "op", "ocg", "our"})
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


@cache
def _first_names() -> frozenset[str]:
    """gender-guesser's given names, lower case; read once (about 0.2 s), only when needed."""
    from gender_guesser.detector import Detector

    return frozenset(Detector(case_sensitive=False).names)


def _capitalised(word: str) -> bool:
    if word.lower() in _TITLES:  # "PC Morris", "Dr Patel"
        return True
    return (word[0].isupper() and not word.isupper()) or (len(word) <= 3 and word.istitle())


def suspected_names(text: str, known: Iterable[str] = ()) -> list[str]:
    """Runs of words in ``text`` that look like a person's name not in ``known``."""
    first_names = _first_names()
    known_words = {w.lower() for k in known for w in _WORD.findall(k)}
    found: list[str] = []
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if not _capitalised(words[i].group()):
            i += 1
            continue
        j = i
        while j + 1 < len(words) and _capitalised(words[j + 1].group()) and j - i < 3:
            gap = text[words[j].end() : words[j + 1].start()]
            if gap.strip() not in ("", "-"):
                break
            j += 1
        run = [w.group() for w in words[i : j + 1]]
        opens = i == 0 or bool(_SENTENCE_END.search(text[: words[i].start()]))
        if i and words[i - 1].group().lower() in _NAMING:  # "the Grange", "OCG Talon"
            i = j + 1
            continue
        name = _name_in(run, opens, first_names)
        if name and not {w.lower() for w in name.split()} <= known_words:
            found.append(name)
        i = j + 1
    return found


def _name_in(run: list[str], opens: bool, first_names: frozenset[str]) -> str | None:
    """The part of a capitalised run that names a person, or None."""
    lowered = [_bare(w) for w in run]
    if lowered[-1] in _PLACE_OR_BODY or lowered[0] in _THING:
        return None
    verb = lowered[0] in _VERBS or lowered[0] not in first_names
    if opens and len(run) > 1 and lowered[0] not in _TITLES and verb:
        run, lowered = run[1:], lowered[1:]  # "Visit Danny Smith": a verb opens it
    if lowered[0] in _TITLES:
        return " ".join(run) if len(run) > 1 else None
    if lowered[0] not in first_names:
        return None
    if len(run) > 1:
        return " ".join(run)
    return None if lowered[0] in _EVERYDAY | _VERBS else run[0]


def _bare(word: str) -> str:
    """Lower case, without a possessive, and a double-barrelled first name by its first part."""
    head, _, tail = word.partition("-")
    word = head if tail[:1].isupper() else word  # "Ellie-Mae", not "Anti-social"
    return without_possessive(word.lower()).strip("'’")


def without_possessive(name: str) -> str:
    """``Danny Smith's`` -> ``Danny Smith``: the name a possessive points at."""
    return name.removesuffix("'s").removesuffix("’s")
