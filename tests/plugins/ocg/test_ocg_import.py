"""``socbot import ocgs|people FILE.csv``: check every row, all or nothing, re-import updates."""

import argparse
from datetime import date
from pathlib import Path

import pytest
from socbot_plugins.ocg.models import ImportedValue
from sqlmodel import Session, delete, func, select

from socbot.cli import main
from socbot.plugins import get_plugin_manager
from socbot.store.models import Assignment, AuditEvent, Ocg, OcgAlias, Person

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


@pytest.fixture
def bot(make_bot, engine):
    return make_bot(engine, plugins=get_plugin_manager(False, allow="help,ocg"), demo=True)


def run(bot, *argv):
    parser = argparse.ArgumentParser()
    bot.cli["import"].configure(parser)
    return bot.cli["import"].run(bot, parser.parse_args([str(a) for a in argv]))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(bot):
    with Session(bot.engine) as s:
        return tuple(
            s.exec(select(func.count()).select_from(t)).one()
            for t in (Ocg, OcgAlias, Person, Assignment)
        )


def ocg(bot, ref):
    with Session(bot.engine) as s:
        return s.exec(select(Ocg).where(Ocg.ref == ref)).one()


def test_the_sample_files_import_and_reimport_without_duplicates(bot, capsys):
    start = counts(bot)
    assert run(bot, "people", SAMPLES / "people.csv") == 0
    assert run(bot, "ocgs", SAMPLES / "ocgs.csv") == 0
    out = capsys.readouterr().out
    assert "4 added" in out and "3 added, 0 updated, 0 unchanged" in out
    after = counts(bot)
    assert after[0] == start[0] + 3 and after[2] == start[2] + 4
    lantern = ocg(bot, "OCG-0101")
    assert (lantern.band, lantern.tier, lantern.pmech, lantern.morile) == ("2A", 2, "P3", 66)
    assert lantern.last_review_on == date(2027, 1, 15)  # UK date 15/01/2027
    assert lantern.next_review_due == date(2027, 4, 15)  # quarterly from it
    assert ocg(bot, "OCG-0102").last_review_on == date(2026, 12, 1)  # ISO date
    assert ocg(bot, "OCG-0103").name == "Millpond Traders"  # no reference: the next free one
    assert run(bot, "people", SAMPLES / "people.csv") == 0
    assert run(bot, "ocgs", SAMPLES / "ocgs.csv") == 0
    assert "0 added, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert counts(bot) == after


def test_reimport_updates_and_hands_over(bot, tmp_path, capsys):
    run(bot, "people", SAMPLES / "people.csv")
    run(bot, "ocgs", SAMPLES / "ocgs.csv")
    changed = write(
        tmp_path,
        "ocgs.csv",
        # columns in another order, optional ones left out
        "name,tier,band,reference,lro\n"
        "Lantern Yard Group,1,1B,OCG-0101,okoro\n"
        "Millpond Traders,4,4C,,\n",
    )
    assert run(bot, "ocgs", changed) == 0
    assert "0 added, 1 updated, 1 unchanged" in capsys.readouterr().out
    lantern = ocg(bot, "OCG-0101")
    assert (lantern.band, lantern.tier, lantern.pmech) == ("1B", 1, "P3")  # pmech left as it was
    assert lantern.next_review_due == date(2027, 2, 15)  # monthly from the last review
    with Session(bot.engine) as s:
        lros = s.exec(
            select(Person.handle, Assignment.ended_at)
            .join(Person, Assignment.person_id == Person.id)
            .where(Assignment.ocg_id == lantern.id, Assignment.role == "lro")
            .order_by(Assignment.id)
        ).all()
    assert [h for h, _ in lros] == ["dawes", "okoro"] and lros[0][1] is not None


def test_a_bad_file_reports_every_bad_row_and_writes_nothing(bot, tmp_path, capsys):
    run(bot, "people", SAMPLES / "people.csv")
    capsys.readouterr()
    start = counts(bot)
    bad = write(
        tmp_path,
        "bad.csv",
        "reference,name,aliases,band,tier,pmech,morile,lro,last_review\n"
        "OCG-0201,Good Row,,2B,2,,,dawes,01/02/2027\n"
        "OCG-0202,Alpha,,6A,2,P7,lots,nobody,31/02/2027\n"
        "OCG-0201,Beta,,2B,5,,,evans,01/01/2030\n"
        "\n"
        "zzz,,HLC,1A,1,,,,\n",
    )
    assert run(bot, "ocgs", bad) == 1
    out = capsys.readouterr().out
    assert out.startswith("bad.csv: 3 bad rows; nothing was imported.")
    lines = {line.split(":")[0].strip(): line for line in out.splitlines()[1:]}
    assert set(lines) == {"line 3", "line 4", "line 6"}
    for expected in (
        "band: '6A'",
        "pmech: 'P7'",
        "morile: 'lots'",
        "@nobody",
        "last_review: '31/02/2027' is not a date",
    ):
        assert expected in lines["line 3"], expected
    for expected in (
        "tier: '5'",
        "is in the future",
        "@evans is a partner",
        "OCG-0201 is also on line 2",
    ):
        assert expected in lines["line 4"], expected
    for expected in ("name is empty", "reference: 'zzz'", "'HLC' already names OCG-0002"):
        assert expected in lines["line 6"], expected
    assert counts(bot) == start


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "is empty"),
        ("name,band,tier\n", "has a header but no rows"),
        ("name,band\nX,1A\n", "required column(s) missing: tier"),
        ("name,band,tier,colour\nX,1A,1,red\n", "unknown column(s) colour"),
        ("name,band,tier,band\nX,1A,1,1A\n", "band appear more than once"),
    ],
)
def test_unreadable_files_are_refused_whole(bot, tmp_path, capsys, content, says):
    start = counts(bot)
    assert run(bot, "ocgs", write(tmp_path, "f.csv", content)) == 1
    out = capsys.readouterr().out
    assert says in out and "Nothing was imported" in out
    assert counts(bot) == start


def test_non_utf8_and_missing_files(bot, tmp_path, capsys):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,band,tier\nCaf\xe9 Crew,1A,1\n".encode("latin-1"))
    assert run(bot, "ocgs", latin) == 1
    assert "isn't UTF-8" in capsys.readouterr().out
    assert run(bot, "ocgs", tmp_path / "nope.csv") == 1
    assert "can't read" in capsys.readouterr().out


def test_excel_bom_and_header_spacing_are_accepted(bot, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffName, Band ,Tier,Last Review\r\nCaf\u00e9 Crew,3b,3,05/03/2026\r\n".encode()
    )
    assert run(bot, "ocgs", path) == 0
    made = ocg(bot, "OCG-0011")
    assert (made.name, made.band, made.last_review_on) == ("Caf\u00e9 Crew", "3B", date(2026, 3, 5))


def test_dry_run_checks_but_writes_nothing(bot, capsys):
    start = counts(bot)
    assert run(bot, "people", SAMPLES / "people.csv", "--dry-run") == 0
    assert "nothing written (dry run)" in capsys.readouterr().out
    assert counts(bot) == start


def test_people_import_checks_each_row(bot, tmp_path, capsys):
    start = counts(bot)
    bad = write(
        tmp_path,
        "people.csv",
        "handle,name,agency,email,roles\n"
        "jo,Jo Bloggs,HMRC,jo@hmrc.example,partner\n"
        "Bad Handle!,X,Police,,\n"
        "jo,Jo Again,HMRC,,\n"
        "sam,Sam,Police,okafor-not-an-email,wizard\n"
        "tess,Tess,Police,grace.okafor@demo.police.example,\n"
        "lee,,Council,,partner;sro\n",
    )
    assert run(bot, "people", bad) == 1
    out = capsys.readouterr().out
    for expected in (
        "line 3: handle: 'bad handle!' isn't a usable handle",
        "line 4: handle: @jo is also on line 2",
        "line 5: roles: 'wizard' isn't a role",
        "doesn't look like an email address",
        "line 6: email: grace.okafor@demo.police.example already belongs to @okafor",
        "line 7: name is empty",
        "a partner can't also be admin, SRO",
    ):
        assert expected in out, expected
    assert counts(bot) == start


def test_people_import_updates_and_grants(bot, tmp_path):
    path = write(
        tmp_path,
        "people.csv",
        "handle,name,agency,email,roles,area\n"
        "okafor,DCI Grace Okafor,Police,,coordinator,Portsmouth\n"
        "new.person,Pat New,Probation,pat@probation.example,partner,\n",
    )
    assert run(bot, "people", path) == 0
    with Session(bot.engine) as s:
        okafor = s.exec(select(Person).where(Person.handle == "okafor")).one()
        assert okafor.name == "DCI Grace Okafor"
        assert okafor.email == "grace.okafor@demo.police.example"  # empty cell: kept
        roles = s.exec(select(Assignment.role).where(Assignment.person_id == okafor.id)).all()
        assert "coordinator" in roles and roles.count("lro") == 5
        assert s.exec(select(Person).where(Person.handle == "new.person")).one().agency == (
            "Probation"
        )
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert [a.text for a in audit] == ["import people people.csv"]


def test_the_socbot_command_line_runs_the_import(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-03T09:00")
    monkeypatch.setenv("SOCBOT_LOAD_PLUGINS", "help,ocg")
    monkeypatch.delenv("SOCBOT_DATABASE_URL", raising=False)
    assert main(["import", "people", str(SAMPLES / "people.csv")]) == 0
    assert main(["import", "ocgs", str(SAMPLES / "ocgs.csv")]) == 0
    assert main(["alerts", "--once"]) == 0
    out = capsys.readouterr().out
    assert "to @okoro: OCG-0102 Weir Street Network: review overdue by 2 days" in out
    assert main(["alerts", "--once"]) == 0
    assert capsys.readouterr().out.startswith("no new alerts")


def test_another_plugin_adds_its_own_import_beside_ocgs_and_people(
    make_bot, engine, tmp_path, capsys
):
    from socbot_plugins.ocg.csv_read import Checked, CsvImport, check_cell

    from socbot import CliCommand, hookimpl
    from socbot.model import CommandError

    written = []

    def number(cell):
        if not cell.isdigit():
            raise CommandError(f"{cell!r} is not a number.")
        return int(cell)

    def check(session, rows, now):
        out = Checked()
        for line, row in rows:
            bad: list[str] = []
            count = check_cell(number, row["count"], bad, "count")
            if bad:
                out.problems.append((line, "; ".join(bad)))
            else:
                out.rows.append((line, {"name": row["name"], "count": count}))
        return out

    def write_rows(session, rows, now):
        written.extend(v for _, v in rows)
        return f"{len(rows)} added"

    nominals = CsvImport("nominals", "people linked to OCGs", {"name": True, "count": True},
                         check, write_rows)  # fmt: skip

    class Nominals:
        @hookimpl
        def register_cli(self, register):
            children = {"nominals": nominals.command()}
            register(CliCommand.group("import", "import nominals", children))

    pm = get_plugin_manager(False, allow="help,ocg")
    pm.register(Nominals(), name="nominals")
    bot = make_bot(engine, plugins=pm, demo=True)
    assert set(bot.cli["import"].subcommands) == {"ocgs", "people", "nominals"}
    bad = write(tmp_path, "bad.csv", "name,count\nA,1\nB,x\nC,1,2\n")
    assert run(bot, "nominals", bad) == 1 and written == []  # all or nothing
    out = capsys.readouterr().out
    assert "line 3: count: 'x' is not a number\n  line 4: 3 cells but 2 columns" in out
    assert run(bot, "nominals", write(tmp_path, "n.csv", "name,count\nA,1\n")) == 0
    assert written == [{"name": "A", "count": 1}]
    assert run(bot, "people", SAMPLES / "people.csv") == 0


# -- re-imports never silently undo a change made in chat ---------------------------------------


@pytest.fixture
def any_bot(make_bot, any_engine):
    """As ``bot``, once on SQLite and once on PostgreSQL."""
    return make_bot(any_engine, plugins=get_plugin_manager(False, allow="help,ocg"), demo=True)


def chat(bot, line):
    from socbot.identify import Who

    reply = bot.handle(line, Who("console", "admin"), face="console")
    assert reply.severity.value != "error", reply.text
    return reply


def lro(bot, ref):
    with Session(bot.engine) as s:
        return s.exec(
            select(Person.handle)
            .join(Assignment, Assignment.person_id == Person.id)
            .join(Ocg, Assignment.ocg_id == Ocg.id)
            .where(Ocg.ref == ref, Assignment.role == "lro", Assignment.ended_at.is_(None))
        ).all()


def imported(bot):
    """The sample files imported, then the LRO of OCG-0101 handed over in chat."""
    assert run(bot, "people", SAMPLES / "people.csv") == 0
    assert run(bot, "ocgs", SAMPLES / "ocgs.csv") == 0
    chat(bot, "ocg set OCG-0101 lro @okoro")
    assert lro(bot, "OCG-0101") == ["okoro"]


CONFLICT = (
    "line 2: OCG-0101 Lantern Yard Group: lro is @okoro in socbot (changed since the last "
    "import, which wrote @dawes); the file says @dawes"
)


def test_a_reimport_refuses_to_undo_a_handover_made_in_chat(any_bot, capsys):
    imported(any_bot)
    capsys.readouterr()
    before = counts(any_bot)
    assert run(any_bot, "ocgs", SAMPLES / "ocgs.csv") == 1
    out = capsys.readouterr().out
    assert out.startswith("ocgs.csv: 1 change made in chat would be undone; nothing was imported.")
    assert CONFLICT in out and "--overwrite-chat-changes" in out
    assert lro(any_bot, "OCG-0101") == ["okoro"] and counts(any_bot) == before


def test_the_dry_run_lists_each_conflict(any_bot, capsys):
    imported(any_bot)
    chat(any_bot, 'ocg set OCG-0102 name "Weir St Network"')
    capsys.readouterr()
    assert run(any_bot, "ocgs", SAMPLES / "ocgs.csv", "--dry-run") == 1
    out = capsys.readouterr().out
    assert "2 changes made in chat would be undone" in out and CONFLICT in out
    assert (
        "line 3: OCG-0102 Weir St Network: name is 'Weir St Network' in socbot (changed since "
        "the last import, which wrote 'Weir Street Network'); the file says 'Weir Street Network'"
    ) in out
    assert lro(any_bot, "OCG-0101") == ["okoro"]
    assert run(any_bot, "ocgs", SAMPLES / "ocgs.csv", "--dry-run", "--overwrite-chat-changes") == 0
    assert "would overwrite 2 changes made in chat" in capsys.readouterr().out
    assert lro(any_bot, "OCG-0101") == ["okoro"]


def test_overwrite_chat_changes_applies_them_and_audits_each(any_bot, capsys):
    imported(any_bot)
    capsys.readouterr()
    assert run(any_bot, "ocgs", SAMPLES / "ocgs.csv", "--overwrite-chat-changes") == 0
    assert "overwrote 1 change made in chat" in capsys.readouterr().out
    assert lro(any_bot, "OCG-0101") == ["dawes"]
    with Session(any_bot.engine) as s:
        row = s.exec(select(AuditEvent).where(AuditEvent.ocg_ref == "OCG-0101")).all()[-1]
    assert row.action == "import" and "lro @okoro -> @dawes" in row.detail
    assert run(any_bot, "ocgs", SAMPLES / "ocgs.csv") == 0  # the file is the baseline again


def test_chat_changes_the_file_agrees_with_or_leaves_empty_are_not_conflicts(any_bot, tmp_path):
    imported(any_bot)
    agrees = write(
        tmp_path,
        "ocgs.csv",
        "reference,name,band,tier,lro\n"
        "OCG-0101,Lantern Yard Group,1B,1,okoro\n"  # the file now says what chat did
        "OCG-0102,Weir Street Network,3B,3,\n",  # empty: leave it
    )
    assert run(any_bot, "ocgs", agrees) == 0
    assert lro(any_bot, "OCG-0101") == ["okoro"] and ocg(any_bot, "OCG-0101").band == "1B"


def test_a_row_without_reference_is_still_matched_after_a_rename_in_chat(bot, capsys):
    imported(bot)
    chat(bot, 'ocg set OCG-0103 name "Millpond Market"')
    capsys.readouterr()
    assert run(bot, "ocgs", SAMPLES / "ocgs.csv") == 1  # not a new OCG called Millpond Traders
    assert (
        "OCG-0103 Millpond Market: name is 'Millpond Market' in socbot" in capsys.readouterr().out
    )


def test_a_store_from_before_imports_were_remembered_treats_differences_as_conflicts(
    any_bot, tmp_path, capsys
):
    imported(any_bot)
    with Session(any_bot.engine) as s:  # as a store imported into before this was recorded
        s.exec(delete(ImportedValue))
        s.commit()
    capsys.readouterr()
    assert run(any_bot, "ocgs", SAMPLES / "ocgs.csv") == 1
    assert (
        "line 2: OCG-0101 Lantern Yard Group: lro is @okoro in socbot (no record of what an "
        "earlier import wrote); the file says @dawes"
    ) in capsys.readouterr().out
    same = write(
        tmp_path,
        "ocgs.csv",
        "reference,name,band,tier,lro\nOCG-0101,Lantern Yard Group,2A,2,okoro\n",
    )
    assert run(any_bot, "ocgs", same) == 0  # agreeing with the store sets the baseline
    chat(any_bot, "ocg set OCG-0101 lro @dawes")
    assert run(any_bot, "ocgs", same) == 1
    assert "which wrote @okoro" in capsys.readouterr().out
