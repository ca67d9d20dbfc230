"""Another revision of socbot beside this one: its tree, its virtualenv, its own stores.

A baseline is measured by running the old code itself, not by guessing its figures: the tree of
``REV`` (``git archive``), a virtualenv with that tree installed, and PostgreSQL stores generated
by *that revision's own* generator (schemas differ between revisions). All of it is cached under
``~/.cache/socbot-bench/<commit>/`` and in databases named ``<prefix>_<key>_<dataset>``, so a
second run regenerates nothing; a store is rebuilt only when its revision's fingerprint (spec,
generator, migrations) changes. Each measurement runs on a copy (``CREATE DATABASE ... TEMPLATE``)
so what it writes, and what a nudge sweep marks, never reaches the cached store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks.world import NOW, Spec

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "socbot-bench"
SCHEMA = "bench"  # each revision's store lives in this schema of its own database
SWEEP_JOB = "action-nudges"  # the nudge sweep: 5,289 messages on the national store


@dataclass(frozen=True)
class Revision:
    """A socbot tree and the interpreter that has it installed."""

    key: str  # "head" or "base": names its databases
    label: str  # what the report calls it: a short commit, "-dirty" for a changed tree
    tree: Path
    python: Path

    @property
    def socbot(self) -> str:
        beside = self.python.parent / "socbot"  # the virtualenv's, not whichever is on PATH
        return str(beside) if beside.exists() else shutil.which("socbot") or "socbot"

    def run(self, *argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        """``python argv`` inside this revision's tree, so ``-m benchmarks`` is its own."""
        done = subprocess.run(
            [str(self.python), *argv],
            cwd=self.tree,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},  # this tree's only
            capture_output=True,
            text=True,
            **kwargs,  # type: ignore[call-overload]
        )
        if done.returncode:
            tail = " | ".join(done.stderr.strip().splitlines()[-5:])
            raise RuntimeError(f"{self.label}: python {' '.join(argv[:3])} failed: {tail}")
        return done


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def current() -> Revision:
    """This tree, with this interpreter (whose virtualenv has it installed)."""
    try:
        label = git("describe", "--always", "--dirty", "--abbrev=7")
    except (RuntimeError, OSError):
        label = "this tree"
    return Revision("head", label, REPO, Path(sys.executable))


def baseline(rev: str, *, log: Callable[[str], None] = print) -> Revision:
    """``rev``'s tree and a virtualenv with it (and its example plugin) installed, built once."""
    sha = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    home = CACHE / sha[:12]
    tree, venv = home / "tree", home / "venv"
    if not (tree / ".complete").exists():
        log(f"baseline {sha[:7]}: extracting the tree into {tree}")
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.Popen(["git", "-C", str(REPO), "archive", sha], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
        if archive.wait():
            raise RuntimeError(f"git archive {sha} failed")
        (tree / ".complete").touch()
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        log(f"baseline {sha[:7]}: installing it into {venv} (once; a few minutes)")
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        plugins = [p for p in (tree / "examples").glob("*/pyproject.toml")]
        editable = [x for p in [tree, *(p.parent for p in plugins)] for x in ("-e", str(p))]
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *editable],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (venv / ".complete").touch()
    return Revision("base", sha[:7], tree, python)


# -- stores ----------------------------------------------------------------------------------


def server_url(pg: str, database: str) -> str:
    """``pg`` (any database on the server) pointing at ``database`` instead."""
    parts = urlsplit(pg.replace("postgresql+psycopg://", "postgresql://", 1))
    return urlunsplit(parts._replace(path=f"/{database}", query=""))


def _admin(pg: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(server_url(pg, "postgres"), autocommit=True)


def _fingerprint(revision: Revision, spec: Spec) -> str:
    """The revision's generator's own fingerprint of ``spec``, and its migrations' (the
    generator's fingerprint looks for them where they are not, so it misses them)."""
    script = (
        "import json, sys; from benchmarks.world import Spec; "
        "print(Spec(**json.loads(sys.argv[1])).fingerprint())"
    )
    h = hashlib.sha256(revision.run("-c", script, json.dumps(asdict(spec))).stdout.encode())
    for root in ("socbot", "plugins", "examples"):
        for path in sorted((revision.tree / root).glob("**/migrations/versions/*.py")):
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _note(pg: str, database: str) -> dict[str, Any] | None:
    """What this module wrote on ``database`` when it finished building it (None: unfinished)."""
    with _admin(pg) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (database,),
        ).fetchone()
    try:
        found = json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _write_note(pg: str, database: str, note: dict[str, Any]) -> None:
    text = json.dumps(note).replace("'", "''")
    with _admin(pg) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{database}\" IS '{text}'")


def ensure_store(
    revision: Revision,
    name: str,
    spec: Spec,
    *,
    pg: str,
    prefix: str,
    log: Callable[[str], None] = print,
) -> str:
    """The database holding ``spec`` generated by ``revision``'s generator; built when missing
    or stale. Returns its name."""
    database = f"{prefix}_{revision.key}_{name}".replace("-", "_")
    want = _fingerprint(revision, spec)
    if (_note(pg, database) or {}).get("fingerprint") == want:
        return database
    log(f"serving: generating {name} with {revision.label}'s generator into {database}")
    with _admin(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    argv = ["-m", "benchmarks.generate", "--postgres", server_url(pg, database)]
    argv += ["--schema", SCHEMA, "--scale", str(spec.scale), "--seed", str(spec.seed)]
    argv += ["--history", str(spec.history)]
    if spec.overdue is not None:
        argv += ["--overdue", str(spec.overdue)]
    if spec.reviews_due is not None:
        argv += ["--reviews-due", str(spec.reviews_due)]
    revision.run(*argv)
    _write_note(pg, database, {"fingerprint": want})
    return database


def socbot_env(store_url: str, **extra: str) -> dict[str, str]:
    """The environment a revision's ``socbot`` runs in: this one's, minus any ``SOCBOT_*`` of
    the caller's and ``PYTHONPATH`` (a caller's tree on it was imported in place of the
    revision's own: the baseline's sweep ran this tree's code and migrations), plus the store and
    the benchmark's fixed clock."""
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith("SOCBOT_") and k != "PYTHONPATH"
    }
    return {**inherited, "SOCBOT_DATABASE_URL": store_url, "SOCBOT_NOW": NOW, **extra}


def outbox(store_url: str, after: int = 0) -> tuple[int, int, int]:
    """The outbox's newest id, and how many messages it has after ``after``: all, and those for
    someone linked to Slack (the rest are for Teams people, whom a Slack server cannot reach)."""
    import psycopg

    url = store_url.replace("postgresql+psycopg://", "postgresql://", 1)
    sql = (
        "SELECT coalesce(max(id), 0), count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "
        "identity i WHERE i.person_id = o.person_id AND i.platform = 'slack')) "
        "FROM outbox o WHERE o.id > %s"
    )
    with psycopg.connect(url) as conn:
        newest, every, slack = conn.execute(sql, (after,)).fetchone()  # type: ignore[misc]
    return int(newest), int(every), int(slack)


def ensure_swept(
    revision: Revision, database: str, *, pg: str, log: Callable[[str], None] = print
) -> tuple[str, dict[str, Any]]:
    """A copy of ``database`` after ``revision``'s nudge sweep (``socbot jobs run
    action-nudges``): its messages queued and not yet sent. Swept once per store (nationally it
    takes tens of minutes); returns the copy's name and what the sweep did (seconds, messages
    queued, of which for Slack). ``socbot nudge --once`` would also run the digest and
    escalation jobs, as long again nationally and not the nudge sweep issue 18 measures."""
    swept = f"{database}_swept"
    want = (_note(pg, database) or {}).get("fingerprint")
    done = _note(pg, swept)
    if done and want and done.get("fingerprint") == want and _same_code(done, revision):
        return swept, done
    log(f"serving: sweeping {database} with {revision.label}'s {SWEEP_JOB} (once; minutes)")
    url = copy_store(pg, database, swept)
    mark, _, _ = outbox(url)
    data = tempfile.mkdtemp(prefix="socbot-sweep-")
    t = time.monotonic()
    ran = subprocess.run(
        [revision.socbot, "jobs", "run", SWEEP_JOB],
        env=socbot_env(url, SOCBOT_DATA_DIR=data),
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - t
    if ran.returncode:
        why = (ran.stderr or ran.stdout).strip()[-300:]
        raise RuntimeError(f"{SWEEP_JOB} of {revision.label}: exit {ran.returncode}: {why}")
    _, queued, slack = outbox(url, mark)
    done = {"fingerprint": want, "revision": revision.label, "seconds": round(seconds)}
    done |= {"queued": queued, "slack": slack}
    _write_note(pg, swept, done)
    log(f"serving: {revision.label}'s sweep queued {queued} messages in {seconds:.0f} s")
    return swept, done


def _same_code(done: dict[str, Any], revision: Revision) -> bool:
    """A sweep is reused only for the commit that ran it: its time is reported beside the
    serving figures, and a changed tree ("-dirty") may sweep differently."""
    return done.get("revision") == revision.label and not revision.label.endswith("-dirty")


def copy_store(pg: str, template: str, copy: str) -> str:
    """A fresh copy of a cached store to measure on; returns its SQLAlchemy URL."""
    with _admin(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    url = server_url(pg, copy).replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{url}?options=-csearch_path%3D{SCHEMA}"


def drop_store(pg: str, database: str) -> None:
    with _admin(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
