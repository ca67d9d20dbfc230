"""``socbot db revision --plugin NAME -m "..."``: the next revision of one plugin's branch.

Autogenerate compares the plugin's models with a throwaway SQLite store brought to every head,
so the real store is never touched and the file holds that plugin's tables alone. Revision ids
follow the branch (``actions_0002``; the core's are ``0003``...) so a folder reads in order.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pluggy

from socbot.registry import PluginError, Tables
from socbot.store.engine import alembic_config, make_engine, tables_for, upgrade


def _owner(tables: list[Tables], name: str) -> Tables:
    for t in tables:
        if name in (t.plugin, t.plugin.rsplit(".", 1)[-1]) and t.migrations is not None:
            return t
    owners = ", ".join(t.plugin.rsplit(".", 1)[-1] for t in tables if t.migrations is not None)
    raise PluginError(f"no installed plugin {name!r} has a migrations folder; these do: {owners}")


def _newest(revisions: list) -> str:  # type: ignore[type-arg]
    """The revision in one folder that no other in it revises."""
    parents: set[str] = set()
    for r in revisions:
        down = r.down_revision
        parents.update((down,) if isinstance(down, str) else down or ())
    return next(r.revision for r in revisions if r.revision not in parents)  # type: ignore[no-any-return]


def revision(
    plugin: str, message: str, *, autogenerate: bool = True, pm: pluggy.PluginManager | None = None
) -> Path:
    """Write the next revision of ``plugin``'s branch (``socbot`` for the core); its path."""
    from alembic import command
    from alembic.script import ScriptDirectory

    tables = tables_for(pm)
    owner = _owner(tables, plugin)
    folder = Path(owner.migrations)  # type: ignore[arg-type]
    label = owner.plugin.rsplit(".", 1)[-1]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        upgrade(engine, pm=pm)
        cfg = alembic_config(engine, tables)
        cfg.attributes["only"] = owner.plugin
        script = ScriptDirectory.from_config(cfg)
        mine = [r for r in script.walk_revisions() if Path(r.path).parent == folder]
        core = [r for r in script.walk_revisions() if Path(r.path).parent == tables[0].migrations]
        # the branch's newest revision, or (a new branch) the core's newest
        head, branch = (_newest(mine), None) if mine else (_newest(core), label)
        number = f"{len(mine) + 1:04d}" if owner is tables[0] else f"{label}_{len(mine) + 1:04d}"
        rev = command.revision(
            cfg,
            message=message,
            autogenerate=autogenerate,
            head=head,
            splice=bool(branch),
            branch_label=branch,
            version_path=str(folder),
            rev_id=number,
        )
        engine.dispose()
    return Path(rev.path)  # type: ignore[union-attr]
