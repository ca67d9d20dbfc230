"""Alembic environment: the engine comes from socbot (``socbot db upgrade``), not an ini file."""

import socbot_plugins.actions.models
import socbot_plugins.disruptions.models
import socbot_plugins.ocg.models
import socbot_plugins.tactics.models  # noqa: F401
from alembic import context
from sqlmodel import SQLModel

import socbot.store.models  # noqa: F401  (registers the tables)
from socbot.config import Settings
from socbot.store.engine import make_engine

target_metadata = SQLModel.metadata
engine = context.config.attributes.get("engine") or make_engine(Settings().url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
