import pytest
from socbot_plugins.actions.models import Action
from sqlmodel import Session, func, select

from socbot.cli import main
from socbot.store.models import Ocg, Person


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-03T09:00")
    monkeypatch.delenv("SOCBOT_DATABASE_URL", raising=False)
    return tmp_path


def counts(path):
    from socbot.store.engine import make_engine

    with Session(make_engine(f"sqlite:///{path / 'socbot.db'}")) as s:
        return [s.exec(select(func.count()).select_from(t)).one() for t in (Ocg, Person, Action)]


def test_demo_twice_changes_nothing(store, capsys):
    assert main(["demo"]) == 0
    first = counts(store)
    assert main(["demo"]) == 0
    assert counts(store) == first and first[0] == 10
    assert "nothing changed" in capsys.readouterr().out


def test_say_exit_codes(store, capsys):
    main(["demo"])
    capsys.readouterr()
    assert main(["say", "--as", "okafor", "help"]) == 0
    assert "What you can do" in capsys.readouterr().out
    assert main(["say", "--as", "okafor", "frobnicate"]) == 1
    assert main(["say", "--as", "stranger", "help"]) == 1
    assert "enrol" in capsys.readouterr().out
    with pytest.raises(SystemExit) as bad:
        main(["say", "help"])
    assert bad.value.code == 2


def test_user_add_link_and_list(store, capsys):
    assert (
        main(
            ["user", "add", "jsmith", "--name", "Jo Smith", "--agency", "HMRC", "--role", "partner"]
        )
        == 0
    )
    assert main(["user", "link", "jsmith", "slack:U0123ABC"]) == 0
    assert main(["user", "add", "bad handle!", "--name", "X"]) == 1
    assert main(["user", "link", "jsmith", "msn:123"]) == 1
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "@jsmith" in out and "HMRC" in out and "partner" in out


def test_a_plugin_that_fails_at_start_is_one_line_not_a_traceback(store, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_PLUGIN__OCG__REVIEW_ALERT_DAYS", "soon")
    assert main(["jobs", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("socbot: plugin ") and "bad setting SOCBOT_PLUGIN__OCG__REVIEW" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
