"""``socbot db revision --plugin NAME``: the next migration of one plugin's branch."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlmodel import Field, SQLModel
from test_store_upgrade import Seizure, Shop, ShopBase, with_plugin

from socbot.cli import main
from socbot.store import HEAD
from socbot.store.engine import store_versions, upgrade
from socbot.store.revision import revision
from socbot.store.tables import CORE_VERSIONS


class WarrantBase(SQLModel):
    metadata = MetaData()  # apart from the other tests' tables


class Warrant(WarrantBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ocg_ref: str
    served: bool = False


def test_a_plugins_next_revision_holds_only_its_new_table(engine, shop_migrations):
    pm = with_plugin(Shop(shop_migrations, models=(Seizure, Warrant)))

    path = revision("shop", "warrants", pm=pm)

    assert path.parent == shop_migrations and path.name == "shop_0002_warrants.py"
    text = path.read_text().replace('"', "'")
    assert "down_revision = 'shop_0001'" in text and "create_table('warrant'" in text
    assert "seizure" not in text and "ocg" not in text.replace("ocg_ref", "")
    upgrade(engine, pm=pm)
    assert "shop_0002" in store_versions(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert (
            compare_metadata(ctx, [SQLModel.metadata, ShopBase.metadata, WarrantBase.metadata])
            == []
        )


def test_a_new_plugins_first_revision_opens_its_branch_from_the_core(engine, tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    pm = with_plugin(Shop(folder, models=(Seizure,)))

    text = revision("shop", "seizures", pm=pm).read_text().replace('"', "'")

    newest = max(p.stem for p in CORE_VERSIONS.glob("0*.py"))  # the core's newest file...
    assert newest == HEAD or newest.startswith(HEAD + "_")  # ...is HEAD (test_store: alembic's)
    assert f"down_revision = '{HEAD}'" in text and "branch_labels = ('shop',)" in text
    upgrade(engine, pm=pm)
    assert "seizure" in inspect(engine).get_table_names()


def test_the_cli_names_the_plugins_that_have_migrations(capsys):
    assert main(["db", "revision", "--plugin", "nosuch", "-m", "x"]) == 1
    err = capsys.readouterr().err
    assert "no installed plugin 'nosuch'" in err and "actions" in err and "socbot" in err


def test_the_cli_asks_for_a_message(capsys):
    assert main(["db", "revision", "--plugin", "actions"]) == 2
    assert "-m" in capsys.readouterr().err
