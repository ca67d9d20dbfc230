"""``socbot audit verify``, ``socbot export audit`` and ``socbot purge`` on a demo store."""

from __future__ import annotations

import csv
import itertools
import json

import pytest
from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.ocg.models import Review
from sqlalchemy import text
from sqlmodel import Session, SQLModel, func, select

from socbot import audit
from socbot.cli import main
from socbot.store.engine import make_engine
from socbot.store.models import AuditEvent, Nominal, Ocg, Outbox


@pytest.fixture
def store(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-03T09:00")
    monkeypatch.delenv("SOCBOT_DATABASE_URL", raising=False)
    assert main(["demo"]) == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'socbot.db'}")
    yield engine
    engine.dispose()


def test_verify_passes_on_the_demo_then_fails_after_a_hand_edit(store, capsys):
    main(["say", "--as", "okafor", "status smith"])
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "intact" in out and "last row" in out
    anchor = out.strip().rsplit(" ", 1)[-1]
    assert main(["audit", "verify", "--anchor", anchor]) == 0
    with store.begin() as conn:
        conn.execute(text("UPDATE auditevent SET actor = 'someone' WHERE id = 2"))
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out and "row 2 " in out


def test_verify_with_an_anchor_catches_rows_cut_from_the_end(store, capsys):
    main(["say", "--as", "okafor", "status smith"])
    main(["audit", "verify"])
    anchor = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    with store.begin() as conn:
        conn.execute(text("DELETE FROM auditevent WHERE id = (SELECT max(id) FROM auditevent)"))
    assert main(["audit", "verify", "--anchor", anchor]) == 1
    assert "gone" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0  # the chain alone looks whole
    with pytest.raises(SystemExit):
        main(["audit", "verify", "--anchor"])
    assert main(["audit", "verify", "--anchor", "12:nothex"]) == 2


def test_export_audit_as_json_keeps_the_chain(store, tmp_path, capsys):
    main(["say", "--as", "okafor", "status smith"])
    out = tmp_path / "audit.json"
    assert main(["export", "audit", "--format", "json", "--out", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert [r["action"] for r in exported][:1] == ["demo"] and exported[-1]["action"] == "status"
    for before, after in itertools.pairwise(exported):
        assert after["prev_hash"] == before["hash"]
    with Session(store) as s:
        row = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert row.action == "export" and f"{len(exported)} rows" in row.detail


def test_export_audit_as_csv_defuses_formulas_and_filters_by_date(store, tmp_path, capsys):
    main(["say", "--as", "okafor", '=HYPERLINK("http://evil.example","x")'])
    out = tmp_path / "audit.csv"
    assert main(["export", "audit", "--since", "03/03/2027", "--out", str(out)]) == 0
    table = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert table and all(r["at"].startswith("2027-03-03") for r in table)
    assert any(r["text"].startswith("'=HYPERLINK") for r in table)
    capsys.readouterr()
    assert main(["export", "audit", "--since", "31/02/2027"]) == 2
    assert main(["export", "audit", "--since", "04/03/2027"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("id,at,actor_id,actor,")  # a header alone


def test_other_plugins_exports_sit_beside_it(store, capsys):
    """`socbot export` is shared: the audit joins the plugins' own exports, none is lost."""
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    usage = capsys.readouterr().out
    assert "audit" in usage and "disruptions" in usage


def counts(engine, ocg_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:

        def n(model, *where):  # type: ignore[no-untyped-def]
            return s.exec(select(func.count()).select_from(model).where(*where)).one()

        actions = select(Action.id).where(Action.ocg_id == ocg_id)
        return {
            "ocg": n(Ocg, Ocg.id == ocg_id),
            "action": n(Action, Action.ocg_id == ocg_id),
            "actionchange": n(ActionChange, ActionChange.action_id.in_(actions)),
            "disruption": n(Disruption, Disruption.ocg_id == ocg_id),
            "nominal": n(Nominal, Nominal.ocg_id == ocg_id),
            "review": n(Review, Review.ocg_id == ocg_id),
            "outbox": n(Outbox, Outbox.ocg_id == ocg_id),
        }


def _close(store, monkeypatch, ref: str) -> None:  # type: ignore[no-untyped-def]
    assert main(["say", "--as", "hart", f"set {ref} status closed"]) == 0
    monkeypatch.setenv("SOCBOT_NOW", "2034-03-03T09:00")  # seven years on


def test_purge_deletes_only_closed_quiet_ocgs_and_keeps_the_audit(store, monkeypatch, capsys):
    _close(store, monkeypatch, "OCG-0003")  # Kestrel: actions, disruption, nominals, profile
    with Session(store) as s:
        audit_before = s.exec(select(func.count()).select_from(AuditEvent)).one()
        kestrel = s.exec(select(Ocg).where(Ocg.ref == "OCG-0003")).one().id
        smith = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one().id
        # A disruption on a live OCG that points at a Kestrel action must survive, unlinked.
        live = s.exec(select(Disruption).where(Disruption.ocg_id == smith)).first()
        live.action_id = s.exec(select(Action.id).where(Action.ocg_id == kestrel)).first()
        s.add(live)
        s.commit()
        live_id = live.id
    smith_before = counts(store, smith)
    kestrel_before = counts(store, kestrel)
    assert kestrel_before["nominal"] == 2 and kestrel_before["action"] >= 1
    assert kestrel_before["disruption"] >= 1 and kestrel_before["review"] >= 1
    capsys.readouterr()

    assert main(["purge", "--before", "01/01/2034", "--dry-run"]) == 0
    assert "would delete 1 closed OCG(s) (OCG-0003)" in capsys.readouterr().out
    assert counts(store, kestrel)["ocg"] == 1  # a dry run changes nothing

    assert main(["purge", "--before", "01/01/2034"]) == 0
    said = capsys.readouterr().out
    assert "deleted 1 closed OCG(s) (OCG-0003)" in said and "2 nominal" in said
    assert set(counts(store, kestrel).values()) == {0}
    assert counts(store, smith) == smith_before  # live OCGs untouched
    with Session(store) as s:
        assert s.get(Disruption, live_id).action_id is None
        kept = s.exec(select(func.count()).select_from(AuditEvent)).one()
        purged = s.exec(select(AuditEvent).where(AuditEvent.action == "purge")).all()
        assert kept == audit_before + len(purged) and len(purged) == 2  # dry run + the OCG
        assert purged[-1].ocg_ref == "OCG-0003" and "2 nominal" in purged[-1].detail
        assert audit.verify(s)[1] is None
        history = select(func.count()).select_from(AuditEvent)
        assert s.exec(history.where(AuditEvent.ocg_ref == "OCG-0003")).one() > 1  # kept
        for table in SQLModel.metadata.sorted_tables:  # nothing left pointing at nothing
            for fk in table.foreign_keys:
                if fk.column.table.name == "ocg":
                    left = s.exec(
                        select(func.count()).select_from(table).where(fk.parent == kestrel)
                    ).one()
                    assert left == 0, table.name


def test_purge_spares_recent_and_open_ocgs(store, monkeypatch, capsys):
    _close(store, monkeypatch, "OCG-0008")
    capsys.readouterr()
    assert main(["purge", "--before", "01/01/2027"]) == 0  # closed in 2027: not quiet long enough
    assert "nothing" in capsys.readouterr().out
    assert main(["purge", "--before", "01/01/2099"]) == 2  # the future is refused
    assert main(["purge", "--before", "someday"]) == 2
    with Session(store) as s:
        assert s.exec(select(func.count()).select_from(Ocg)).one() == 10


def test_purge_on_both_databases(make_bot, any_engine, clock):
    """Foreign keys are enforced on both: the deletion order must satisfy PostgreSQL too."""
    from datetime import timedelta

    from socbot import retention
    from socbot.identify import Who

    bot = make_bot(any_engine, demo=True)
    with Session(any_engine) as s:
        for ocg in s.exec(select(Ocg).where(Ocg.area == "Southampton")).all():
            ocg.status = "closed"
            s.add(ocg)
        s.commit()
    clock.advance(days=400)
    with Session(any_engine) as s:
        result = retention.purge(
            s, before=clock.today() - timedelta(days=30), now=clock.utcnow(), dry_run=False
        )
    assert result.refs == ["OCG-0003", "OCG-0004", "OCG-0006", "OCG-0008", "OCG-0010"]
    assert result.counts["ocg"] == 5 and result.counts["nominal"] == 7
    with Session(any_engine) as s:
        assert s.exec(select(func.count()).select_from(Ocg)).one() == 5
        assert audit.verify(s)[1] is None
    assert not bot.handle("status smith", Who("console", "okafor"), face="console").error


def test_seal_chains_what_commands_appended_and_verify_seals_past_an_old_gap(store, capsys):
    main(["say", "--as", "okafor", "status smith"])
    main(["say", "--as", "okafor", "actions smith"])
    with Session(store) as s:
        waiting = audit.unsealed(s)[0]
    assert waiting >= 2  # commands appended without chaining
    capsys.readouterr()
    assert main(["audit", "seal"]) == 0
    assert f"sealed {waiting} rows" in capsys.readouterr().out
    with Session(store) as s:
        assert audit.unsealed(s)[0] == 0
    # a row appended after a gap (an id that may still commit) waits; verify says so
    main(["say", "--as", "okafor", "status smith"])
    main(["say", "--as", "okafor", "status harbour"])
    with store.begin() as conn:
        gap = conn.execute(text("SELECT min(id) FROM auditevent WHERE hash IS NULL")).scalar()
        conn.execute(text("DELETE FROM auditevent WHERE id = :id"), {"id": gap})
    with Session(store) as s:
        assert audit.seal_locked(s, grace=60) == 0 and audit.unsealed(s)[0] == 1
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0  # waits out the gap, then seals past it
    out = capsys.readouterr().out
    assert "intact" in out and "not yet sealed" not in out
    with Session(store) as s:
        assert audit.unsealed(s)[0] == 0 and audit.verify(s)[1] is None
