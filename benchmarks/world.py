"""The fictional force the benchmarks run on: who is who, which OCG is whose, and the spec.

``Spec`` says how big (``scale``: the force; ``history``: the record on top of it) and which
work is held fixed (``overdue``, ``reviews_due``); ``build_world`` lays out people, roles and OCGs
deterministically from the seed, for ``rows`` to turn into table rows.

One stable target: ``@bench.lro`` is the LRO of OCG-0042 "Smith Brothers" (alias "The Smiths"),
owns open and overdue actions there, and is linked to Slack (``U0BENCHLRO``) and Teams;
``@bench.sro`` is the SRO of its area (and so may read every OCG).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import words as W
from socbot.clock import Clock

VERSION = 1
NOW = "2027-03-03T09:00"  # a Wednesday in working hours, Europe/London
BENCH_OCG = 42
BENCH_LRO = "bench.lro"
BENCH_SLACK = "U0BENCHLRO"
BENCH_TEAMS = "00000000-0000-4000-8000-0000000bench"
BENCH_ADMIN = "bench.admin"
BENCH_SRO = "bench.sro"  # the SRO of OCG-0042's area: sees the national picture
BENCH_ACTIONS = (("overdue", 4), ("open", 6), ("done", 2))  # bench.lro's own on OCG-0042
BASE = {
    "ocgs": 5_000,
    "nominals": 40_000,
    "people": 20_000,
    "actions": 250_000,
    "overdue": 10_000,
    "disruptions": 500_000,
    "reviews": 30_000,
    "reviews_due": 250,
    "outbox": 50_000,
    "audit": 100_000,
}
HISTORY = ("actions", "disruptions", "reviews", "outbox", "audit")
MINIMUM = {"ocgs": 50, "people": 200, "actions": 100, "overdue": 4, "reviews_due": 1}
TACTICS = W.words(
    "veh-seize-uninsured veh-plate-spacing bus-hmo-licensing bus-fire-safety bus-illegal-working "
    "bus-hmrc-tax crime-cash-seizure crime-account-freezing beh-closure-order "
    "beh-community-protection-notice life-benefit-fraud ps-safeguarding-referral "
    "pr-cuckooing-victims enb-scrap-metal"
)
P4 = ("pursue", "prevent", "protect", "prepare")
REVIEW_MONTHS = {1: 1, 2: 3, 3: 3, 4: 6}


@dataclass(frozen=True)
class Spec:
    """What to generate. Counts not given follow ``scale``; ``overdue`` and ``reviews_due`` may
    be fixed independently so a sweep sees the same work at two table sizes."""

    scale: float = 1.0  # the force: OCGs, nominals, people
    seed: int = 42
    overdue: int | None = None
    reviews_due: int | None = None
    now: str = NOW
    history: float = 1.0  # the record on top of the force: actions, disruptions, reviews, ...

    def count(self, name: str) -> int:
        fixed = {"overdue": self.overdue, "reviews_due": self.reviews_due}.get(name)
        factor = self.scale * (self.history if name in HISTORY else 1.0)
        n = fixed if fixed is not None else round(BASE[name] * factor)
        return max(n, MINIMUM.get(name, 0))

    def counts(self) -> dict[str, int]:
        return {name: self.count(name) for name in BASE}

    def fingerprint(self) -> str:
        """Changes when the spec, this generator or the schema migrations change."""
        h = hashlib.sha256(json.dumps([VERSION, asdict(self)]).encode())
        for path in sources():
            h.update(path.read_bytes())
        return h.hexdigest()[:16]


def sources() -> list[Path]:
    """What a generated store depends on: the generator and every built-in migration (the
    core's and each plugin's), so a new migration regenerates the cached stores."""
    here = Path(__file__).parent
    found = [here / "world.py", here / "rows.py", here / "words.py"]
    found += sorted(here.parent.glob("socbot/store/migrations/versions/*.py"))
    return found + sorted(here.parent.glob("plugins/*/migrations/*.py"))


def ts(moment: datetime) -> str:
    """A moment as both stores keep it: naive UTC text (SQLite compares it as text)."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}.000000"


@dataclass
class OcgInfo:
    area: int
    lro: int
    sio: int | None
    pleads: list[tuple[int, str]]
    sro: int
    tier: int
    band: str
    active: bool
    due: date


@dataclass
class World:
    """Who holds which role where: computed once, shared by every table's rows."""

    spec: Spec
    n: dict[str, int]
    now: datetime
    today: date
    start: datetime
    areas: list[str]
    handles: list[str] = field(default_factory=list)  # index = person id - 1
    people: list[tuple[Any, ...]] = field(default_factory=list)
    roles: list[tuple[int, str]] = field(default_factory=list)  # force-wide (person, role)
    ocgs: list[OcgInfo] = field(default_factory=list)
    sros: list[int] = field(default_factory=list)  # one per area
    moderators: list[int] = field(default_factory=list)
    lro_base: int = 0  # person id of the first LRO (one per four OCGs), likewise SIOs
    sio_base: int = 0
    partners_by_area: list[list[int]] = field(default_factory=list)
    officers_by_area: list[list[int]] = field(default_factory=list)
    active_ocgs: list[int] = field(default_factory=list)
    changes: list[tuple[Any, ...]] = field(default_factory=list)

    def rng(self, table: str) -> random.Random:
        return random.Random(f"{self.spec.seed}:{table}")


def build_world(spec: Spec) -> World:
    n = spec.counts()
    now = Clock.parse(spec.now).now()
    n_areas = max(2, min(len(W.AREAS), round(len(W.AREAS) * spec.scale)))
    w = World(spec, n, now, now.date(), now - timedelta(days=3 * 365), W.AREAS[:n_areas])
    _people(w)
    _ocg_info(w)
    return w


def _people(w: World) -> None:
    rng = w.rng("person")
    n_ocg, n_areas = w.n["ocgs"], len(w.areas)
    n_groups = -(-n_ocg // 4)  # an LRO (and an SIO) for each four OCGs
    created = ts(w.start)

    def add(
        agency: str, domain: str, area: int | None, roles: tuple[str, ...], handle: str = ""
    ) -> int:
        pid = len(w.people) + 1
        first, last = rng.choice(W.FIRST_NAMES), rng.choice(W.LAST_NAMES)
        handle = handle or f"{first}.{last}{pid}".lower()
        w.handles.append(handle)
        w.people.append(
            (
                pid,
                handle,
                f"{first} {last}",
                agency,
                f"{handle}@{domain}.example",
                w.areas[area] if area is not None else None,
                True,
                created,
            )
        )
        w.roles += [(pid, r) for r in roles]
        return pid

    add("Police", "police", None, ("admin",), BENCH_ADMIN)
    bench_area = (BENCH_OCG - 1) * n_areas // n_ocg
    w.sros = [
        add("Police", "police", a, ("sro",), BENCH_SRO if a == bench_area else "")
        for a in range(n_areas)
    ]
    w.moderators = [
        add("Police", "police", None, ("moderator",))
        for _ in range(max(1, round(10 * w.spec.scale)))
    ]
    for _ in range(max(1, round(20 * w.spec.scale))):
        add("Police", "police", None, ("analyst",))
    for a in range(n_areas):
        add("Police", "police", a, ("coordinator",))
        for agency, domain in W.AGENCIES:
            add(agency, domain, a, ("partner", "coordinator"))
    area_of_group = [(4 * g) * n_areas // n_ocg for g in range(n_groups)]
    w.lro_base = len(w.people) + 1
    for g in range(n_groups):
        add(
            "Police",
            "police",
            area_of_group[g],
            (),
            BENCH_LRO if g == (BENCH_OCG - 1) // 4 else None,
        )
    w.sio_base = len(w.people) + 1
    for g in range(n_groups):
        add("Police", "police", area_of_group[g], ())
    rest = w.n["people"] - len(w.people)
    if rest < 4 * n_areas:
        raise ValueError(f"{w.n['people']} people are too few for {n_ocg} OCGs")
    n_partners = rest * 35 // 100
    w.partners_by_area = [[] for _ in range(n_areas)]
    for i in range(n_partners):
        agency, domain = W.AGENCIES[(i // n_areas) % len(W.AGENCIES)]
        w.partners_by_area[i % n_areas].append(add(agency, domain, i % n_areas, ("partner",)))
    w.officers_by_area = [[] for _ in range(n_areas)]
    for i in range(rest - n_partners):
        w.officers_by_area[i % n_areas].append(add("Police", "police", i % n_areas, ()))


def _ocg_info(w: World) -> None:
    rng = w.rng("ocg-info")
    n_ocg, n_areas = w.n["ocgs"], len(w.areas)
    bench = BENCH_OCG - 1
    for k in range(n_ocg):
        area = k * n_areas // n_ocg
        level = 1 if k == bench else rng.choices((1, 2, 3, 4, 5), (10, 20, 30, 25, 15))[0]
        band = f"{level}{'A' if k == bench else rng.choice('ABC')}"
        active = k == bench or rng.random() < 0.92
        pillars = rng.sample(P4, 2)
        pleads = [(rng.choice(w.officers_by_area[area]), p) for p in pillars]
        sio = w.sio_base + k // 4 if k == bench or rng.random() < 0.7 else None
        w.ocgs.append(
            OcgInfo(
                area,
                w.lro_base + k // 4,
                sio,
                pleads,
                w.sros[area],
                min(level, 4),
                band,
                active,
                w.today,
            )
        )
    active = [k for k in range(n_ocg) if w.ocgs[k].active and k != bench]
    due = set(rng.sample(active, min(len(active), w.n["reviews_due"] - 1))) | {bench}
    for k, info in enumerate(w.ocgs):
        months = REVIEW_MONTHS[info.tier]
        if k == bench:
            days = -5
        elif k in due:
            days = rng.randint(-30, 7)
        else:
            days = rng.randint(8, 30 * months + 8)
        info.due = w.today + timedelta(days=days)
    w.active_ocgs = [k for k in range(n_ocg) if w.ocgs[k].active]
