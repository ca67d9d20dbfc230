"""The serving benchmark: what it counts as an answer, an error and a latency; and a short run of
the phase itself against a real ``socbot serve slack`` (PostgreSQL, quick store, no baseline)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from aiohttp import ClientSession, web

from benchmarks import load, serving
from benchmarks.stores import QUICK

PG_URL = os.environ.get("SOCBOT_TEST_DATABASE_URL")
LATER = web.AppKey("later", set)


def fake_face(write_delay: float) -> web.Application:
    """Answers as socbot's Slack face does (reads in the ack, writes later to the response_url),
    except that closing an action fails with an incident."""

    async def events(request: web.Request) -> web.Response:
        form = await request.post()
        text, url = str(form["text"]), str(form["response_url"])
        if text.startswith("status "):
            return web.json_response({"text": f"{text.split()[1]} Smith Brothers"})
        if text.startswith(("list ", "actions ")):
            return web.json_response({"text": "OCGs (mine): 4 / Your open actions: 21"})
        answer = "Action #7 added" if text.startswith("action ") else "Sorry (incident 1f2e)"

        async def later() -> None:
            await asyncio.sleep(write_delay)
            async with ClientSession() as session:
                await session.post(url, json={"text": answer})

        request.app[LATER].add(asyncio.ensure_future(later()))
        return web.Response(text="")

    app = web.Application()
    app[LATER] = set()
    app.router.add_post("/slack/events", events)
    return app


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, "http://127.0.0.1:{}".format(*runner.addresses[0][1:2])


def test_a_write_waits_for_its_answer_and_a_wrong_answer_is_an_error() -> None:
    async def run() -> load.Figures:
        standin = load.Standin(latency=0)
        api_runner, api = await serve(standin.app())
        face_runner, face = await serve(fake_face(write_delay=0.3))
        try:
            driver = load.Driver(face, f"{api}/respond", standin)
            return await driver.load(3, 1.5, warmup=0)
        finally:
            await face_runner.cleanup()
            await api_runner.cleanup()

    got = asyncio.run(run())
    assert got.commands > 10
    # every done fails, and is one in five of the mix (a done with nothing to close is a status)
    assert 0 < got.errors < got.commands / 2
    assert all(sample.startswith("done: ") and "Sorry" in sample for sample in got.samples)
    assert got.p99 >= 0.3  # writes are timed to their response_url post, not to the empty ack
    assert got.p50 < 0.3  # reads are answered inside the ack
    assert got.acks_over_3s == 0 and got.over_3s == 0


@pytest.mark.skipif(not PG_URL, reason="needs SOCBOT_TEST_DATABASE_URL (a PostgreSQL server)")
def test_the_phase_measures_a_real_server_on_the_quick_store() -> None:
    cfg = serving.Config(
        QUICK[0],
        pg=str(PG_URL),
        baseline="none",
        seconds=2,
        warmup=1,
        in_flight=(8,),
        delivering_seconds=0,
        prefix="sb_serve_test",
        log=lambda _: None,
    )
    found: dict[str, Any] = serving.run_phase(cfg)
    [head] = found["revisions"]
    [row] = head["throughput"]
    assert row.errors == 0, row.samples
    assert row.commands > 8 and row.per_s > 0
    assert 0 < row.p50 <= row.p99 < 3
    assert f"| {head['label']} | 8 | {row.per_s:.1f} |" in "\n".join(serving.report(found))
    assert serving.targets(found) == [
        "NOT MEASURED: serving throughput at 32 in flight >= 2x the baseline "
        "(no baseline in this run)"
    ]


def test_a_cached_sweep_is_reused_only_by_the_commit_that_ran_it(tmp_path: Any) -> None:
    """The table reports how long each revision's sweep took: a sweep cached by another commit,
    or by a changed tree, is run again."""
    from benchmarks.revisions import Revision, _same_code

    done = {"fingerprint": "f", "revision": "4f27528", "seconds": 1500}
    at = lambda label: Revision("head", label, tmp_path, tmp_path)  # noqa: E731
    assert _same_code(done, at("4f27528"))
    assert not _same_code(done, at("d318691"))
    assert not _same_code({**done, "revision": "4f27528-dirty"}, at("4f27528-dirty"))
    assert not _same_code({k: v for k, v in done.items() if k != "revision"}, at("4f27528"))


def test_a_revision_runs_its_own_code_whatever_the_callers_pythonpath(monkeypatch: Any) -> None:
    """The baseline's socbot, started by a caller with this tree on PYTHONPATH, imported this
    tree: its sweep ran the new code and left a migration the old server refused."""
    from benchmarks.revisions import socbot_env

    monkeypatch.setenv("PYTHONPATH", "/work/main")
    monkeypatch.setenv("SOCBOT_RATE_LIMIT", "5")
    env = socbot_env("sqlite:///x.sqlite", SOCBOT_DATA_DIR="/tmp/d")
    assert "PYTHONPATH" not in env and "SOCBOT_RATE_LIMIT" not in env
    assert env["SOCBOT_DATABASE_URL"] == "sqlite:///x.sqlite" and env["SOCBOT_DATA_DIR"] == "/tmp/d"
