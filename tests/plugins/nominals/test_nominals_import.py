"""``socbot import nominals FILE.csv``: checked first, all or nothing, bad rows listed by line,
a re-import updates (matched by OCG and name), audited; aliases withheld from partners."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from socbot_plugins.nominals.models import NominalAlias
from sqlmodel import Session, func, select

from socbot.bot import Who
from socbot.render_text import render
from socbot.store.models import AuditEvent, Nominal

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "samples" / "nominals.csv"


def run(bot, *argv) -> int:  # type: ignore[no-untyped-def]
    parser = argparse.ArgumentParser()
    bot.cli["import"].configure(parser)
    return bot.cli["import"].run(bot, parser.parse_args(["nominals", *map(str, argv)]))


def counts(bot) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return (
            s.exec(select(func.count()).select_from(Nominal)).one(),
            s.exec(select(func.count()).select_from(NominalAlias)).one(),
        )


def one(bot, name: str) -> Nominal:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return s.exec(select(Nominal).where(Nominal.name == name)).one()


def imports(bot) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == "import")).all())


def test_the_sample_imports_then_reimports_without_duplicates(any_engine, make_bot, capsys):
    bot = make_bot(any_engine, demo=True)
    nominals, aliases = counts(bot)
    assert run(bot, SAMPLE) == 0
    assert "1 added, 1 updated, 1 unchanged, 3 aliases added" in capsys.readouterr().out
    assert counts(bot) == (nominals + 1, aliases + 3)
    jayden, tyler = one(bot, "Jayden Reece"), one(bot, "Tyler Shaw")
    assert (jayden.role, jayden.status, jayden.address) == (
        "significant",
        "active",
        "Flat 3, 12 Canal Walk, Fratton",
    )
    assert (tyler.role, tyler.status) == ("principal", "remanded")  # was significant, active
    assert one(bot, "Danny Smith").role == "principal"  # an empty cell keeps what is stored
    assert run(bot, SAMPLE) == 0
    assert "0 added, 0 updated, 3 unchanged, 0 aliases added" in capsys.readouterr().out
    assert counts(bot) == (nominals + 1, aliases + 3)
    rows = imports(bot)
    assert [r.text for r in rows] == ["import nominals nominals.csv"] * 2
    assert rows[0].detail == "1 added, 1 updated, 1 unchanged, 3 aliases added"
    # found by alias in chat, and withheld from partners like the name
    reply = bot.handle("ocg nominals smith", Who("console", "okafor"), face="console")
    assert any(i.detail and "aka Big Dan, Smudger, Danny Boy" in i.detail for i in reply.items)
    made = bot.handle(
        'ocg action smith protect @evans "Ask whether Jayd works the door" by friday confirm',
        Who("console", "okafor"),
        face="console",
    )
    assert not made.error, made.text
    seen = render(bot.handle("ocg actions mine", Who("console", "evans"), face="console"))
    assert "works the door" in seen and "Jayd" not in seen


def test_a_bad_file_lists_every_bad_row_by_line_and_writes_nothing(bot, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        "ocg,name,role,status,aliases\n"
        "smith,Jayden Reece,boss,,\n"
        "nowhere,Al Capone,principal,,\n"
        "smith,,principal,,\n"
        "smith,Kez Two,principal,retired,JR\n"
        "smith,Jayden Reece,principal,,\n"
        "smith,Jordan Vale,principal,,Jay-V\n",  # good, but the file is not
        encoding="utf-8",
    )
    before = counts(bot)
    assert run(bot, path) == 1
    out = capsys.readouterr().out
    assert "5 bad rows; nothing was imported" in out
    for line, says in [
        (2, "role: 'boss' isn't a nominal's role"),
        (3, "ocg: no OCG matching 'nowhere'"),
        (4, "name is empty"),
        (5, "status: 'retired' isn't a status"),
        (5, "aliases: 'JR' can't be an alias"),
        (6, "name: Jayden Reece of OCG-0001 is also on line 2"),
    ]:
        assert any(row.startswith(f"  line {line}: ") and says in row for row in out.splitlines())
    assert "line 7" not in out
    assert counts(bot) == before
    assert imports(bot) == []


@pytest.mark.parametrize(
    ("header", "says"),
    [("ocg,name\n", "required column(s) missing: role"), ("ocg,name,role,nickname\n", "nickname")],
)
def test_a_bad_header_is_refused(bot, tmp_path, capsys, header, says):
    path = tmp_path / "h.csv"
    path.write_text(header + "smith,Jayden Reece,principal\n", encoding="utf-8")
    assert run(bot, path) == 1
    assert says in capsys.readouterr().out


def test_a_new_nominal_needs_a_role(bot, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("ocg,name,role\nsmith,Jordan Vale,\n", encoding="utf-8")
    assert run(bot, path) == 1
    assert "role is empty; a new nominal needs" in capsys.readouterr().out


def test_dry_run_writes_nothing(bot, capsys):
    before = counts(bot)
    assert run(bot, SAMPLE, "--dry-run") == 0
    assert "nothing written (dry run)" in capsys.readouterr().out
    assert counts(bot) == before
