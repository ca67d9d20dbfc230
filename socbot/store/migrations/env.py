"""Alembic environment: the engine and the tables come from socbot (``socbot db upgrade``).

Tables reach alembic through ``register_tables``, never by importing plugins here; autogenerate
compares only those tables (or one plugin's, ``socbot db revision --plugin``), so a table left by
an uninstalled plugin is never proposed for dropping.
"""

from alembic import context

from socbot.config import Settings
from socbot.store.engine import alembic_config, make_engine
from socbot.store.tables import table_name

config = context.config
engine = config.attributes.get("engine") or make_engine(Settings().url)
tables = config.attributes.get("tables") or alembic_config(engine).attributes["tables"]
only = config.attributes.get("only")  # a plugin's name: autogenerate its tables alone
names = {table_name(m) for t in tables if only in (None, t.plugin) for m in t.models}
# A plugin may keep its tables on its own MetaData; alembic compares against all of them.
metadata = list(dict.fromkeys(m.metadata for t in tables for m in t.models))


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table is None or table in names


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
