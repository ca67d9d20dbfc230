"""Secrets never reach the logs, the replies or the audit trail."""

from __future__ import annotations

import io
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from socbot import redact
from socbot.config import Settings
from socbot.identify import Who
from socbot.logs import ScrubSecrets, install
from socbot.model import Button, Fact, Form, Input, Item, Reply, Section, map_text, texts
from socbot.redact import REDACTED, scrub, scrub_reply, scrub_shaped
from socbot.render_text import render
from socbot.store.models import AuditEvent

SLACK_BOT = "xoxb-2712345678901-2723456789012-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP = "xapp-1-A0123ABCDEF-2712345678901-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
SLACK_REFRESH = "xoxe.xoxp-1-Mi0yLTI3MTIzNDU2Nzg5MDEtMjcyMzQ1Njc4OTAxMg"
JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJhcGk6Ly9ib3QiLCJpc3MiOiJodHRwczovL2FwaS5i"
    "b3RmcmFtZXdvcmsuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"
)
ENTRA = "Xyz8Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
DB_PASSWORD = "s3cr3t-Pa55"
SECRETS = {
    SLACK_BOT: SLACK_BOT,
    SLACK_APP: SLACK_APP,
    SLACK_REFRESH: SLACK_REFRESH,
    JWT: JWT,
    ENTRA: ENTRA,
    f"postgresql+psycopg://socbot:{DB_PASSWORD}@db.internal:5432/socbot": DB_PASSWORD,
    f"https://user:{DB_PASSWORD}@proxy.example": DB_PASSWORD,
    f"client_secret={DB_PASSWORD}": DB_PASSWORD,
    f'{{"client_secret": "{DB_PASSWORD}"}}': DB_PASSWORD,
    f"SLACK_SIGNING_SECRET={DB_PASSWORD}": DB_PASSWORD,
    f"MicrosoftAppPassword: {DB_PASSWORD}": DB_PASSWORD,
    f"Authorization: Bearer {JWT[:40]}": JWT[:40],
}


@pytest.mark.parametrize("text,secret", SECRETS.items(), ids=range(len(SECRETS)))
def test_scrub_removes_every_kind_of_secret(text, secret):
    assert secret not in scrub(f"before {text} after")
    assert scrub(f"before {text} after").startswith("before ")
    assert secret not in scrub_shaped(f"before {text} after")


def test_replies_keep_ordinary_words_that_sound_secret():
    sentence = "Search the secret compartment; token payments only; password: ask the LRO"
    assert scrub_shaped(sentence).startswith("Search the secret compartment; token payments")
    assert "postgresql+psycopg://socbot:[redacted]@db" in scrub(
        "postgresql+psycopg://socbot:pw@db/x"
    )  # the user and host stay: they help to debug


def _every_text(value: str) -> Reply:
    """A reply with ``value`` in each place a person reads, and a non-ASCII word beside it."""
    item = Item(value, value, buttons=[Button(value, "x", {"args": "1"})])
    return Reply(
        title=value,
        text="Café · " + value,
        context=value,
        facts=[Fact(value, value)],
        items=[item],
        buttons=[Button(value, "x")],
        sections=[Section(value, value, [Fact(value, value)], [item])],
        form=Form("f", value, [Input("i", value, value=value, placeholder=value)]),
    )


def test_texts_walks_every_string_map_text_hides() -> None:
    seen: list[str] = []
    map_text(_every_text("x"), lambda text: seen.append(text) or text)
    assert seen and sorted(seen) == sorted(texts(_every_text("x")))


@pytest.mark.parametrize(
    "secret",
    [SLACK_BOT, f"pa\u017fsword={DB_PASSWORD}", f"PRIVATE_\u212aEY={DB_PASSWORD}", JWT],
    ids=["slack", "long-s", "kelvin", "jwt"],
)
def test_a_secret_anywhere_in_a_reply_is_removed(secret: str) -> None:
    """The reply is searched as a whole first (most have nothing to remove): that must miss no
    place, nor a secret spelt with a letter ``(?i)`` reads as ASCII."""
    reply = scrub_reply(_every_text(f"see {secret} now"))
    shown = list(texts(reply))
    assert len(shown) == 20 and all("[redacted]" in text for text in shown), shown
    assert DB_PASSWORD not in str(reply) and SLACK_BOT not in str(reply)


def test_a_reply_with_nothing_to_remove_comes_back_as_a_new_reply() -> None:
    plain = _every_text("Search the secret compartment")
    scrubbed = scrub_reply(plain)
    assert scrubbed == plain and scrubbed is not plain  # the core marks its own copy


def test_a_postgres_url_keeps_no_password_in_any_form():
    for url in (
        "postgresql://socbot:p%40ss@db/socbot",
        "postgres://socbot:hunter2@127.0.0.1/socbot?sslmode=require",
        "postgresql+psycopg://socbot:hunter2@db/socbot",
    ):
        assert "hunter2" not in scrub(url) and "p%40ss" not in scrub(url)


def _logger(stream: io.StringIO) -> logging.Logger:
    logger = logging.getLogger(f"socbot.test.{id(stream)}")
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubSecrets())
    logger.addHandler(handler)
    logger.propagate = False
    return logger


def test_log_messages_and_their_arguments_are_scrubbed():
    out = io.StringIO()
    log = _logger(out)
    log.warning("connecting to %s with %s", f"postgresql://socbot:{DB_PASSWORD}@db/x", SLACK_BOT)
    log.warning(f"token in the message itself: {JWT}")
    text = out.getvalue()
    assert DB_PASSWORD not in text and SLACK_BOT not in text and JWT not in text
    assert text.count("[redacted]") == 3 and "connecting to postgresql://socbot:" in text


def test_tracebacks_are_scrubbed():
    out = io.StringIO()
    log = _logger(out)
    try:
        raise RuntimeError(f"could not post with {SLACK_BOT}")
    except RuntimeError:
        log.exception("delivery failed")
    text = out.getvalue()
    assert "Traceback" in text and "RuntimeError" in text and SLACK_BOT not in text


def test_install_cleans_records_for_handlers_added_later():
    """A library's own handler, added after start-up, still gets clean records."""
    install()
    out = io.StringIO()
    logger = logging.getLogger("slack_bolt.test")
    late = logging.StreamHandler(out)  # no filter of ours on it
    logger.addHandler(late)
    logger.propagate = False
    try:
        logger.error("bad token %s", SLACK_APP)
    finally:
        logger.removeHandler(late)
    assert SLACK_APP not in out.getvalue() and "[redacted]" in out.getvalue()


def test_settings_never_print_tokens():
    settings = Settings(slack_bot_token=SLACK_BOT, slack_signing_secret=DB_PASSWORD)
    assert SLACK_BOT not in repr(settings) and DB_PASSWORD not in str(settings)


def _last(engine) -> AuditEvent:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_a_token_typed_into_a_command_is_stored_redacted(bot, say):
    reply = say("okafor", f"status {SLACK_BOT}")
    row = _last(bot.engine)
    assert row.actor == "okafor" and SLACK_BOT not in row.text and "[redacted]" in row.text
    assert SLACK_BOT not in render(reply)  # nor is it echoed back


def test_unknown_users_and_unparseable_text_are_redacted_too(bot):
    bot.handle(f"help {JWT}", Who("slack", "U0NOBODY"), face="slack")
    assert JWT not in _last(bot.engine).text
    bot.handle(f'status "{SLACK_APP}', Who("console", "okafor"), face="console")  # bad quoting
    row = _last(bot.engine)
    assert row.outcome == "user-error" and SLACK_APP not in row.text


def test_an_incident_logs_no_secret(bot, caplog, monkeypatch):
    """An exception carrying a token: the user sees an id, the log has no token."""
    install()
    spec = bot.commands["status"]

    def boom(ctx, cmd):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"upstream said {SLACK_BOT}")

    monkeypatch.setitem(bot._verbs, "status", type(spec)(**{**spec.__dict__, "handler": boom}))
    with caplog.at_level(logging.ERROR):
        reply = bot.handle("status smith", Who("console", "okafor"), face="console")
    assert "incident" in reply.text and SLACK_BOT not in reply.text
    assert "RuntimeError" in caplog.text and SLACK_BOT not in caplog.text
    assert SLACK_BOT not in (_last(bot.engine).detail or "")


# Pieces credentials are made of, and ordinary words: joined at random, in any case.
_PIECES = [
    *SECRETS,
    "ghp_" + "a" * 24, "AKIA" + "B" * 16, "bearer  abcdefgh12", "api_key=abc", "apikey: x1",
    "access_key=k", "private_key='pk'", "xoxb-", "xapp-", "eyJ", "q~", "://", "u:p@h",
    "github_pat_", "passw", "secret", "token", " ", "Café", "\u017f", "\u212a", "\u0130",
]  # fmt: skip
_MIXED = st.lists(
    st.tuples(st.sampled_from(_PIECES) | st.text(max_size=8), st.booleans()).map(
        lambda piece: piece[0].swapcase() if piece[1] else piece[0]
    ),
    max_size=6,
).map("".join)


@given(_MIXED)
def test_the_quick_test_never_skips_what_the_patterns_remove(text: str) -> None:
    """``scrub_shaped`` runs the patterns only when a literal of ``_NEEDED`` is there: it must
    give what the patterns always give."""
    full = redact._STRONG.sub(REDACTED, redact._URL_PASSWORD.sub(rf"\1:{REDACTED}@", text))
    assert scrub_shaped(text) == full
    assert scrub_reply(Reply(text=text)).text == full
