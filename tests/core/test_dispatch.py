import logging

from sqlmodel import Session, func, select

from socbot import CommandError, CommandSpec, Reply, audit, hookimpl
from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import AuditEvent, Ocg

ME = Who("console", "okafor")


class Faulty:
    """Writes a row, then fails: the row must not survive."""

    @hookimpl
    def register_commands(self, register):
        register(CommandSpec("breakuser", self.user_error, "x", permission="help", writes=True))
        register(CommandSpec("breakbug", self.bug, "x", permission="help", writes=True))
        register(CommandSpec("adminonly", lambda c, m: Reply(text="ok"), "x", permission="admin"))
        register(CommandSpec("mixed", self.mixed, "x", permission="help", writes=True))
        register(CommandSpec("breakmixed", self.broken_mixed, "x", permission="help", writes=True))

    @staticmethod
    def _write(ctx):
        ctx.session.add(
            Ocg(
                ref="OCG-9999",
                name="Ghost",
                name_key="ghost",
                band="5C",
                created_at=ctx.utcnow(),
                next_review_due=ctx.today(),
            )
        )
        ctx.session.flush()

    @staticmethod
    def _core_write(ctx):
        """A Core write on the command's connection (no ORM session needed)."""
        audit.append(ctx.connection(), at=ctx.utcnow(), action="probe", text_="core write")

    def mixed(self, ctx, cmd):
        """Core, then the ORM, then Core again: one transaction, committed whole."""
        self._core_write(ctx)
        self._write(ctx)
        self._core_write(ctx)
        return Reply(text="ok")

    def broken_mixed(self, ctx, cmd):
        self._core_write(ctx)
        self._write(ctx)
        raise CommandError("No.")

    def user_error(self, ctx, cmd):
        self._write(ctx)
        raise CommandError("That date has passed.", field="when")

    def bug(self, ctx, cmd):
        self._write(ctx)
        raise RuntimeError("secret internals xoxb-123456789012-abcdef")


def _bot(make_bot, engine):
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Faulty(), name="faulty")
    return make_bot(engine, plugins=pm, demo=True)


def _ghosts(engine):
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Ocg).where(Ocg.ref == "OCG-9999")).one()


def test_user_error_rolls_back_and_is_audited(make_bot, engine):
    bot = _bot(make_bot, engine)
    reply = bot.handle("ocg breakuser", ME, face="console")
    assert reply.error and reply.text == "That date has passed." and reply.field == "when"
    assert _ghosts(engine) == 0
    with Session(engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.outcome, last.actor) == ("breakuser", "user-error", "okafor")


def _probes(engine):
    with Session(engine) as s:
        count = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "probe")
        return s.exec(count).one()


def test_core_and_orm_writes_of_a_command_share_its_transaction(make_bot, engine):
    """The session joins the connection the core opened: both commit, or neither."""
    bot = _bot(make_bot, engine)
    assert bot.handle("ocg breakmixed", ME, face="console").error
    assert (_ghosts(engine), _probes(engine)) == (0, 0)
    assert not bot.handle("ocg mixed", ME, face="console").error
    assert (_ghosts(engine), _probes(engine)) == (1, 2)


def test_unexpected_failure_shows_only_an_incident_id(make_bot, engine, caplog):
    bot = _bot(make_bot, engine)
    with caplog.at_level(logging.ERROR):
        reply = bot.handle("ocg breakbug", ME, face="console")
    text = render(reply)
    assert "incident" in text and "Traceback" not in text and "RuntimeError" not in text
    incident = text.split("incident ")[1][:8]
    assert incident in caplog.text and "Traceback" in caplog.text
    assert _ghosts(engine) == 0


def test_unknown_verb_suggests_the_closest(make_bot, engine):
    reply = _bot(make_bot, engine).handle("ocg hepl", ME, face="console")
    assert reply.error and "`help`" in reply.text


def test_unknown_user_is_refused_and_audited(make_bot, engine):
    bot = _bot(make_bot, engine)
    reply = bot.handle("ocg help", Who("slack", "U0NOBODY"), face="slack")
    assert reply.error and "enrol" in reply.text
    with Session(engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.actor, last.outcome) == ("slack:U0NOBODY", "refused")


def test_command_needing_a_role_is_refused_and_hidden_from_help(make_bot, engine):
    bot = _bot(make_bot, engine)
    assert "isn't available to you" in bot.handle("ocg adminonly", ME, face="console").text
    assert "adminonly" not in render(bot.handle("help", ME, face="console"))
    assert "adminonly" in render(bot.handle("help", Who("console", "admin"), face="console"))


def test_help_for_one_command_shows_usage_and_examples(bot):
    reply = bot.handle("help help", ME, face="console")
    assert reply.title == "ocg help [command]"
    assert "`ocg help action`" in render(reply)


def test_jobs_leave_the_garbage_collector_running_even_when_they_fail(make_bot, engine):
    import gc

    import pytest

    from socbot import Job

    seen = []

    class Jobs:
        @hookimpl
        def register_jobs(self, register):
            paused = lambda ctx, dry: seen.append((gc.isenabled(), gc.get_freeze_count() > 0)) or []  # noqa: E731
            register(Job("ok", paused, "x"))
            register(Job("boom", lambda ctx, dry: 1 / 0, "x"))

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Jobs(), name="jobs")
    bot = make_bot(engine, plugins=pm, demo=True)
    assert bot.run_job("ok") == [] and seen == [(False, True)]  # paused, and the rest frozen
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with pytest.raises(ZeroDivisionError):
        bot.run_job("boom")
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_two_jobs_at_once_leave_the_collector_paused_until_the_last_ends() -> None:
    """A server runs jobs in several threads: the first to end must not turn the collector
    back on, or thaw what is frozen, under the other."""
    import gc

    from socbot.jobs import collector_paused

    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled() and gc.get_freeze_count() > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
