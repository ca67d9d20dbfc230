"""Ranking the menu of tactics for one OCG, each suggestion with the reasons it was chosen.

``picture`` reads what the ranking needs in three indexed queries (profile facts, open actions
by pillar, tactic ids already used); ``rank`` is a pure function over the cached catalogue, so
it is cheap at national scale and easy to test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any

from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.tactics.models import ProfileFact
from sqlalchemy import CompoundSelect, func, union
from sqlmodel import Session, col, select

from socbot import REVIEW_MONTHS, Ocg, access
from socbot.clock import LONDON, add_months
from socbot.context import Context
from socbot.model import Button, Fact, Item, Reply

from .catalogue import PILLARS, Tactic
from .profile import PROFILE_CATEGORIES

# Weights: a pillar the plan leaves empty and a category the profile knows about matter most;
# the CHB phase breaks ties; words shared by a fact and a tactic's keywords add precision.
GAP, CATEGORY, EXTRA_FACT, PHASE = 3.0, 3.0, 0.5, 2.0
PHRASE, KEYWORD, TITLE_WORD, WORDS_CAP = 2.0, 1.5, 0.5, 4.0
PER_CATEGORY = 2  # keep the list a menu, not ten variations of one idea
LIMIT = 8

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {
        "and", "the", "for", "with", "from", "into", "onto", "only", "are", "was", "his", "her",
        "its", "their", "our", "who", "has", "have", "had", "use", "used", "using", "per", "via",
        "etc", "also", "any", "all", "one", "two", "new", "old", "near", "off", "out", "over",
        "than", "that", "this",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Picture:
    """What is known of one OCG that bears on tactics."""

    phase: str  # clear | hold | build, or "" when the LRO has not set one
    facts: dict[str, list[str]]  # profile category -> facts
    open_actions: dict[str, int]  # pillar -> open actions
    used: frozenset[str]  # tactic ids in its actions or disruptions
    pillars: tuple[str, ...] = PILLARS  # the pillars whose gaps count (partners: not Pursue)
    done_lately: frozenset[str] = frozenset()  # pillars with an action completed this period

    @property
    def gaps(self) -> tuple[str, ...]:
        """Pillars with no open action, in 4P order."""
        return tuple(p for p in self.pillars if not self.open_actions.get(p))

    @property
    def pursue_only(self) -> bool:
        """Open actions exist, all of them Pursue, and no other pillar's action was completed in
        the last review period either: the drift inspectors warned about. Work done in Prevent,
        Protect or Prepare and closed since the last review is not drift."""
        live = {p for p, n in self.open_actions.items() if n and p in PILLARS}
        return live == {"pursue"} and not (self.done_lately - {"pursue"})

    def fits(self, tactic: Tactic) -> bool:
        """The tactic suits the OCG's phase; with no phase set, every tactic does."""
        return not self.phase or self.phase in tactic.phases


@dataclass(frozen=True)
class Suggestion:
    tactic: Tactic
    score: float
    reasons: tuple[str, ...]


def picture(
    session: Session,
    ocg_id: int,
    phase: str,
    *,
    partner: bool = False,
    seen: Any = True,
    seen_disruptions: Any = True,
    period_start: datetime | None = None,
) -> Picture:
    """Four indexed queries: profile facts, open actions per pillar, pillars with an action
    completed since ``period_start`` (the last review period), tactic ids used.

    For a partner the intelligence profile and the Pursue strand stay out of the picture.
    """
    facts: dict[str, list[str]] = {}
    if not partner:
        rows = session.exec(
            select(ProfileFact.category, ProfileFact.fact)
            .where(ProfileFact.ocg_id == ocg_id)
            .order_by(col(ProfileFact.id))
        ).all()
        for category, fact in rows:
            facts.setdefault(category, []).append(fact)
    counts = session.exec(
        select(Action.pillar, func.count())
        .where(Action.ocg_id == ocg_id, Action.status == "open", seen)
        .group_by(Action.pillar)
    ).all()
    used_ids: CompoundSelect = union(
        select(Action.tactic_id).where(
            Action.ocg_id == ocg_id, col(Action.tactic_id).is_not(None), seen
        ),
        select(Disruption.tactic_id).where(
            Disruption.ocg_id == ocg_id,
            col(Disruption.tactic_id).is_not(None),
            seen_disruptions,
        ),
    )
    used = session.exec(used_ids).scalars().all()  # type: ignore[call-overload]
    pillars = tuple(p for p in PILLARS if not (partner and p == "pursue"))
    open_actions = {p: n for p, n in counts if p in pillars}
    done: set[str] = set()
    if period_start is not None:
        done = set(
            session.exec(
                select(Action.pillar)
                .where(
                    Action.ocg_id == ocg_id,
                    Action.status == "done",
                    col(Action.completed_at) >= period_start,
                    seen,
                )
                .distinct()
            ).all()
        )
    return Picture(phase, facts, open_actions, frozenset(used), pillars, frozenset(done))


def rank(tactics: Iterable[Tactic], pic: Picture, limit: int = LIMIT) -> list[Suggestion]:
    """Best first: at most ``PER_CATEGORY`` per category, and the best phase-fitting tactic of
    each empty pillar is always included so a Pursue-only plan is shown the other Ps."""
    texts = [_fact_terms(f) for fs in pic.facts.values() for f in fs]
    scored = [_score(t, pic, texts) for t in tactics if t.id not in pic.used]
    scored = [s for s in scored if s.score > 0]
    scored.sort(key=lambda s: (-s.score, s.tactic.id))
    chosen: list[Suggestion] = []
    for pillar in pic.gaps:
        best = next(
            (
                s
                for s in scored
                if s.tactic.pillar == pillar and pic.fits(s.tactic) and s not in chosen
            ),
            None,
        )
        if best is not None and len(chosen) < limit:
            chosen.append(best)
    per_category: dict[str, int] = {}
    for s in chosen:
        per_category[s.tactic.category] = per_category.get(s.tactic.category, 0) + 1
    for s in scored:
        if len(chosen) >= limit:
            break
        if s in chosen or per_category.get(s.tactic.category, 0) >= PER_CATEGORY:
            continue
        chosen.append(s)
        per_category[s.tactic.category] = per_category.get(s.tactic.category, 0) + 1
    chosen.sort(key=lambda s: (-s.score, s.tactic.id))
    return chosen


def _score(tactic: Tactic, pic: Picture, texts: list[_FactTerms]) -> Suggestion:
    score, reasons = 0.0, []
    facts = pic.facts.get(tactic.category, [])
    if facts:
        score += CATEGORY + EXTRA_FACT * min(len(facts) - 1, 2)
        reasons.append(f"its profile has {tactic.category} facts")
    matched, bonus = _matches(tactic, texts)
    if matched:
        score += bonus
        reasons.append("the profile mentions " + ", ".join(f"“{m}”" for m in matched))
    if tactic.pillar in pic.gaps:
        score += GAP
        reasons.append(f"no open {tactic.pillar.title()} action in its plan")
    if pic.phase and pic.phase in tactic.phases:
        score += PHASE
        reasons.append(f"suits the {pic.phase.title()} phase")
    return Suggestion(tactic, round(score, 2), tuple(reasons))


def _matches(tactic: Tactic, texts: list[_FactTerms]) -> tuple[list[str], float]:
    """Keywords (whole phrases) and title words of ``tactic`` that appear in any fact."""
    phrases, title_words = _terms(tactic)
    matched: list[str] = []
    bonus = 0.0
    seen_words: set[str] = set()
    for every, present, words in texts:
        for phrase, label in phrases:
            if phrase[0] in present and label not in matched and _contains(every, phrase):
                matched.append(label)
                bonus += PHRASE if len(phrase) > 1 else KEYWORD
                seen_words.update(phrase)
        for word in title_words & words - seen_words:
            matched.append(word)
            bonus += TITLE_WORD
            seen_words.add(word)
    return matched[:3], min(bonus, WORDS_CAP)


_FactTerms = tuple[tuple[str, ...], frozenset[str], frozenset[str]]


@lru_cache(maxsize=8192)
def _fact_terms(text: str) -> _FactTerms:
    """A fact's words in order, as a set, and without stop words (facts repeat: cached)."""
    every = _words(text, keep_all=True)
    return every, frozenset(every), frozenset(_words(text))


@lru_cache(maxsize=4096)
def _terms(tactic: Tactic) -> tuple[tuple[tuple[tuple[str, ...], str], ...], frozenset[str]]:
    phrases = tuple((w, k) for k in tactic.keywords if (w := _words(k, keep_all=True)))
    return phrases, frozenset(_words(tactic.title))


def _words(text: str, *, keep_all: bool = False) -> tuple[str, ...]:
    """Lower-case words, plurals folded; short and stop words dropped unless ``keep_all``
    (phrases such as "off-road" must match whole, not as "road")."""
    out = []
    for word in _WORD.findall(text.lower()):
        if not keep_all and (len(word) < 3 or word in _STOP):
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        out.append(word)
    return tuple(out)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


# -- the reply ---------------------------------------------------------------------------------


def suggestions(ctx: Context, tactics: Iterable[Tactic], query: str) -> Reply:
    """``tactics for <OCG>``: ranked suggestions, what they rest on, and how to sharpen them."""
    ocg = ctx.ocg(query)
    partner = ctx.sanitised
    seen = access.sensitive_visible(ctx.actor, col(Action.sensitive), col(Action.ocg_id))
    seen_d = access.sensitive_visible(ctx.actor, col(Disruption.sensitive), col(Disruption.ocg_id))
    pic = picture(
        ctx.session,
        ocg.id or 0,
        ocg.phase,
        partner=partner,
        seen=seen,
        seen_disruptions=seen_d,
        period_start=review_period_start(ocg, ctx.today()),
    )
    ranked = rank(tactics, pic)
    can_plan = ctx.can("action.create", ocg)
    items = [_item(s, ocg, can_plan) for s in ranked]
    notes = _notes(ocg, pic, partner)
    plan = (
        f"To plan one: `ocg action {ocg.ref} from tactic <id> @owner by <when>`."
        if can_plan
        else "To plan one, ask the OCG's lead officer (LRO) to add it as an action."
    )
    return Reply(
        title=f"Tactics for {ctx.ocg_name(ocg)} ({ocg.ref})",
        text=" ".join(notes),
        facts=[] if partner else _facts(pic),
        items=items,
        context=f"{plan} `ocg tactic <id>` shows one in full.",
    )


def _item(s: Suggestion, ocg: Ocg, can_plan: bool) -> Item:
    t = s.tactic
    buttons = (
        [
            Button(
                "Add as action",
                "form:action.add",
                {"ocg": ocg.ref, "tactic": t.id, "what": t.title, "pillar": t.pillar},
            )
        ]
        if can_plan
        else []
    )
    why = "; ".join(s.reasons)
    return Item(
        f"`{t.id}` {t.title}",
        f"{t.category_label} · {t.pillar.title()} · lead: {t.lead}. Why: {why}.",
        buttons=buttons,
    )


def _notes(ocg: Ocg, pic: Picture, partner: bool) -> list[str]:
    notes = [
        f"Phase: {pic.phase.title()}."
        if pic.phase
        else "Phase: not set, so tactics for every phase are shown"
        + ("." if partner else f' (`ocg set {ocg.ref} phase clear because "..."`).')
    ]
    if pic.pursue_only:
        notes.append(
            "Its plan is Pursue-only: inspectors found plans drifting to Pursue alone, so "
            "Prevent, Protect and Prepare tactics are ranked up."
        )
    elif pic.gaps and pic.open_actions:
        empty = ", ".join(p.title() for p in pic.gaps)
        notes.append(f"Its plan has no open action for {empty}, so those are ranked up.")
    elif not pic.open_actions and not partner:
        notes.append("Its plan has no open actions yet, so every pillar is open.")
    if partner:
        notes.append(
            "Partner view: ranked by its phase and the Prevent, Protect and Prepare "
            "strands only; the intelligence profile is not used."
        )
    elif not pic.facts:
        notes.append(
            "Its profile is empty, so these rest on its plan and phase only. Facts about its "
            "business, vehicles, lifestyle, travel, behaviour, crime and enablers would sharpen "
            f'them: e.g. `ocg profile {ocg.ref} add business "nail salon, Southsea"`.'
        )
    else:
        missing = [c for c in PROFILE_CATEGORIES if c not in pic.facts]
        if missing:
            notes.append(
                f"Nothing in its profile on {', '.join(missing)}: adding facts there (`ocg "
                f'profile {ocg.ref} add {missing[0]} "..."`) would sharpen these.'
            )
    return notes


def review_period_start(ocg: Ocg, today: date) -> datetime:
    """The start of the OCG's last review period: its last review, or one tier period back."""
    start = ocg.last_review_on or add_months(today, -REVIEW_MONTHS[ocg.tier])
    return datetime.combine(start, time(0), LONDON).astimezone(UTC)


def _facts(pic: Picture) -> list[Fact]:
    """What the ranking rested on (police only: partners see no plan counts or profile)."""
    counts = " · ".join(f"{p.title()} {pic.open_actions.get(p, 0)}" for p in pic.pillars)
    known = ", ".join(f"{c} {len(pic.facts[c])}" for c in PROFILE_CATEGORIES if c in pic.facts)
    facts = [Fact("Open actions", counts), Fact("Profile", known or "empty")]
    if pic.used:
        facts.append(Fact("Left out (already used)", ", ".join(sorted(pic.used))))
    return facts
