"""Stripping secrets (tokens, client secrets, database passwords) from text before it is kept.

Two strengths. ``scrub`` is for the audit trail and the logs: it also removes anything written as
``password=...`` or ``token: ...``. ``scrub_reply`` is for what users read: it removes only text
shaped like a credential (a Slack token, a JWT, a URL with a password...), so an action called
"search the secret compartment" still reads as typed.

Every pattern is bounded, so a 100 kB hostile message costs linear time.
"""

from __future__ import annotations

import copy
import re

from socbot.model import Reply, map_text, texts

REDACTED = "[redacted]"
# Credentials recognisable by their shape alone.
_SHAPED = (
    r"xox[a-z]{1,2}[.-][A-Za-z0-9.-]{8,400}"  # Slack bot/user/refresh tokens (xoxb-, xoxe.xoxp-)
    r"|xapp-[A-Za-z0-9-]{8,400}"  # Slack app-level token
    r"|eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{2,2000}(?:\.[A-Za-z0-9_-]{0,2000})?"  # JWT
    r"|\b[A-Za-z0-9_-]{3}\dQ~[A-Za-z0-9_.~-]{30,40}"  # Entra ID (Azure AD) client secret
    r"|\b(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,255}"  # GitHub tokens
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
    r"|\b(?i:bearer)\s{1,5}[A-Za-z0-9._~+/=-]{8,2000}"  # HTTP Authorization header value
)
# user:password@ inside any URL (postgresql+psycopg://, redis://, https://...): keep the user.
_URL_PASSWORD = re.compile(r"((?i:[a-z][a-z0-9+.-]{0,30})://[^:/\s@]{1,200}):[^@\s/]{1,200}@")
# key=value / key: value / "key": "value" for keys that name a secret. Words that also occur in
# ordinary sentences ("secret", "token") count only in the audit and the logs.
_VALUE = r"[\"']?\s{0,5}[=:]\s{0,5}[\"']?[^\s\"',;}&]{1,4000}"
_KEYS = (
    r"password|passwd|client_secret|signing_secret|app_password|api_key|apikey|access_key"
    r"|private_key"
)
_KEYED = rf"(?i:{_KEYS}|secret|token|pwd){_VALUE}"
_KEYED_STRICT = rf"(?i:{_KEYS}){_VALUE}"
_STRONG = re.compile(f"{_SHAPED}|{_KEYED_STRICT}")
_ALL = re.compile(f"{_SHAPED}|{_KEYED}")
# Literal text that every match of _STRONG or _URL_PASSWORD contains, lower-cased: replies run
# dozens of strings through the full patterns, which costs more than the command's queries. Tested
# one by one with ``in`` (a fast substring search), not as one alternation: the regular expression
# tried every alternative at every character, 0.1 ms over the 6 kB of ``help``.
_NEEDED = (
    "xox", "xapp-", "eyj", "q~", "gho_", "ghp_", "ghs_", "ghu_", "github_pat_", "akia", "bearer",
    "://", "passw", "client_secret", "signing_secret", "apikey", "api_key", "access_key",
    "private_key",
)  # fmt: skip


def _may_hold(lowered: str) -> bool:
    """Whether lower-cased text contains a literal some credential's match would."""
    return any(literal in lowered for literal in _NEEDED)


# The non-ASCII characters that ``re.IGNORECASE`` equates with ASCII ones ("İ", "ı", "ſ" and
# the Kelvin sign; a test checks every code point): folded before a literal containment test.
ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_TWINS = tuple((chr(code), str(ascii_)) for code, ascii_ in ASCII_TWINS.items())


def scrub(value: str) -> str:
    """Everything that looks like a secret, including ``password=...``: for the audit and logs."""
    return _ALL.sub(REDACTED, _URL_PASSWORD.sub(rf"\1:{REDACTED}@", value))


def scrub_shaped(value: str) -> str:
    """Credential-shaped text and ``password=...``: for replies, where ordinary words survive."""
    # Only for ASCII is ``lower`` the same folding as the patterns' (?i) (think of "ſ" or "K").
    if value.isascii() and not _may_hold(value.lower()):
        return value
    return _STRONG.sub(REDACTED, _URL_PASSWORD.sub(rf"\1:{REDACTED}@", value))


def scrub_reply(reply: Reply) -> Reply:
    """The reply with credential-shaped text removed from everything a person reads.

    Button payloads are left alone: they are data the face sends back, never shown. Almost no
    reply holds anything to remove, so all its texts are tested at once for the literals every
    match contains (``_NEEDED``; folded as the patterns' ``(?i)`` folds, ``ASCII_TWINS``), and
    only a reply that may hold one is rebuilt string by string (that cost more than the queries
    of ``status``). A newline joins them: no literal contains one, so a literal inside one text
    is found and one across two only sends the reply the slow way. Either way the caller gets a
    new ``Reply`` to mark and share.
    """
    joined = "\n".join(texts(reply))
    if not joined.isascii():  # str.translate looks up every character: replace only what is there
        for twin, ascii_ in _TWINS:
            if twin in joined:
                joined = joined.replace(twin, ascii_)
    return map_text(reply, scrub_shaped) if _may_hold(joined.lower()) else copy.copy(reply)
