"""Three orders on the demo force's nominals, dated from the demo's clock so that one is always
inside its 30-day warning and one inside its 90-day warning."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from socbot import Nominal
from socbot.clock import add_months
from socbot_scpo.models import Scpo

if TYPE_CHECKING:
    from socbot.demo import Demo

# OCG, nominal, months since made, days left, conditions
ORDERS = [
    ("OCG-0001", "Danny Smith", 22, 25, "No more than one mobile phone; no cash over £1,000"),
    ("OCG-0001", "Lee Smith", 6, 540, "Not to enter Fratton Road car wash; declare vehicles"),
    ("OCG-0002", "Kieran Doyle", 15, 80, "Not to own or use a boat; curfew 22:00 to 06:00"),
]


def load(demo: Demo) -> None:
    """Add the orders; loading twice adds nothing the second time."""
    today = demo.clock.today()
    for ref, name, months, left, conditions in ORDERS:
        ocg = demo.ocgs[ref]
        nominal = demo.session.exec(
            select(Nominal).where(Nominal.ocg_id == ocg.id, Nominal.name == name)
        ).one()
        if demo.session.exec(select(Scpo).where(Scpo.nominal_id == nominal.id)).first():
            continue
        demo.session.add(
            Scpo(
                ocg_id=ocg.id or 0,
                nominal_id=nominal.id or 0,
                made_on=add_months(today, -months),
                expires_on=today + timedelta(days=left),
                conditions=conditions,
                recorded_by_id=demo.people["okafor"].id or 0,
                recorded_at=demo.clock.utcnow() - timedelta(days=30 * months),
            )
        )
