"""What a partner may read. Every text that reaches a partner passes through here: replies and
cards (``Bot`` applies ``for_partner`` to the whole reply), outbox messages (``outbox`` applies
it per recipient), and the plugins' lists, nudges and digests (``redactor``).

Names are withheld when they are read, not when they are written, so a nominal added today is
withheld from every record written before, and a record copied from another (a disruption
logged from an action's result) is withheld like the original. Nominals' aliases, kept in a
plugin's table, come from the ``nominal_aliases`` hook, which the bot hands in as
``acl.aliases``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from sqlmodel import Session, col, select

from socbot.access import Access, Actor, AliasSource, no_aliases
from socbot.inlist import padded
from socbot.model import Reply, map_text
from socbot.redact import ASCII_TWINS as _ASCII_TWINS  # folded first: a name spelled with one
from socbot.store.models import Nominal, Ocg, OcgAlias

Redact = Callable[[int, str], str]
WITHHELD = "[name withheld]"


def redactor(session: Session, ocg_ids: Iterable[int], aliases: AliasSource = no_aliases) -> Redact:
    """Blank out the names of an OCG's nominals and their ``aliases`` (the ``nominal_aliases``
    hook), the OCG's name and aliases from free text, for partners' eyes. Nothing is read until
    the first call; then four queries cover every OCG."""
    names, ids = Names(session, aliases), set(ocg_ids)

    def redact(ocg_id: int, text: str) -> str:
        if not names.read:
            names.need(ids)
        return names.redact(ocg_id, text)

    return redact


class Names:
    """The names to withhold, per OCG, read when first needed and kept for many readers (a
    sweep's partners see mostly the same OCGs: their names are held once, not once a partner);
    each OCG's pattern compiled on first use (most OCGs never reach a partner), and an index
    from each name's first word, so a text is matched only against the OCGs whose names could
    be in it."""

    def __init__(self, session: Session | None, aliases: AliasSource):
        self.session, self.aliases = session, aliases
        self.read: set[int] = set()  # the OCGs whose names are in
        self._every: set[int] | None = None
        # Full names, surnames, principal and significant nominals' first names, aliases and
        # the OCG's name, matched in any case and with a plural ("the smiths van")...
        self.names: dict[int, set[str]] = {}
        # ...except single common words ("Black", "Docks", "Frank"), matched only as written,
        # so that "black van" and "the docks cafe" survive.
        self.surnames: dict[int, set[str]] = {}
        self.patterns: dict[int, list[re.Pattern[str]]] = {}
        # first word of a name -> (the name's words, the name, matched in any case, its OCG)
        self.index: dict[str, list[tuple[frozenset[str], str, bool, int]]] = {}
        self.always: set[int] = set()  # OCGs with a non-ASCII name: checked on every text
        self._shared = False  # the structures above are also the memo's (``_BUILT``)

    def on(self, session: Session) -> Names:
        """Read what is still to read in ``session`` (a delivery run's rows each have their
        own)."""
        self.session = session
        return self

    def every(self) -> set[int]:
        """Every OCG's id, read once."""
        if self._every is None:
            if self.session is None:
                raise RuntimeError("Names.on(session) before reading names")
            self._every = every_ocg(self.session)
        return self._every

    def keep(self, ocg_id: int, term: str) -> None:
        term = " ".join(term.split())
        if len(term) < 3:
            return
        common = " " not in term and term.lower() in COMMON_WORDS
        (self.surnames if common else self.names).setdefault(ocg_id, set()).add(term)

    def need(self, ocg_ids: Iterable[int]) -> None:
        """Read the names of those of ``ocg_ids`` not read yet (four queries). The rows are
        read every time, so what is withheld is never older than this call; the index built
        from them is reused while they are unchanged (``_Built``): a delivery run reads every
        OCG's names for each batch, and building the index was most of the cost."""
        ids = sorted(set(ocg_ids) - self.read)
        if not ids:
            return
        session = self.session
        if session is None:
            raise RuntimeError("Names.on(session) before reading names")
        rows = _rows(session, ids, self.aliases, every=set(ids) == self._every)
        fresh = not self.read
        self.read.update(ids)
        if fresh and (state := _BUILT.get(self.aliases, ids, rows)) is not None:
            self._adopt(state)
            return
        if self._shared:
            self._adopt(_copy(self._state()))
            self._shared = False
        self._build(ids, rows)
        if fresh and _BUILT.put(self.aliases, ids, rows, self._state()):
            self._shared = True  # the memo holds these structures now: copy before changing

    def _state(self) -> _State:
        return (self.names, self.surnames, self.index, self.always, self.patterns)

    def _adopt(self, state: _State) -> None:
        self.names, self.surnames, self.index, self.always, self.patterns = state
        self._shared = True

    def _build(self, ids: list[int], rows: _Rows) -> None:
        nominals, ocg_aliases, ocgs, aliases = rows
        ocg_of: dict[int, int] = {}
        for nominal_id, ocg_id, name, role in nominals:
            ocg_of[nominal_id or 0] = ocg_id
            self.names.setdefault(ocg_id, set()).add(name)
            parts = name.split()
            if len(parts) > 1:
                self.keep(ocg_id, parts[-1])
                if role in ("principal", "significant"):
                    self.keep(ocg_id, parts[0])
        for ocg_id, alias in ocg_aliases:
            self.keep(ocg_id, alias)
        for oid, name in ocgs:
            self.keep(oid or 0, name)
        for nominal_id, alias in aliases:
            if nominal_id in ocg_of:
                self.keep(ocg_of[nominal_id], alias)
        for table, any_case in ((self.names, True), (self.surnames, False)):
            for ocg_id in ids:
                for term in table.get(ocg_id, ()):
                    words = _WORD.findall(_fold(term))
                    if not term.isascii() or not words:
                        self.always.add(ocg_id)
                    else:
                        entry = (frozenset(words), term, any_case, ocg_id)
                        self.index.setdefault(words[0], []).append(entry)

    def redact(self, ocg_id: int, text: str) -> str:
        """Withhold one OCG's names (read with ``need``) from ``text``."""
        text = normalise(text)
        if not _may_occur(self.names.get(ocg_id, set()) | self.surnames.get(ocg_id, set()), text):
            return text  # the usual case: no pattern to compile or run
        return self.sub(ocg_id, text)

    def sub(self, ocg_id: int, text: str) -> str:
        """Withhold one OCG's names from a ``normalise``d text."""
        if ocg_id not in self.patterns:
            found = _words(
                frozenset(self.names.get(ocg_id, ())), frozenset(self.surnames.get(ocg_id, ()))
            )
            self.patterns[ocg_id] = [found] if found else []
        for pattern in self.patterns[ocg_id]:
            text = pattern.sub(_withheld, text)
        return text

    def withhold(self, text: str, among: frozenset[int]) -> str:
        """Withhold from a ``normalise``d text the names of the OCGs in ``among`` that are in it.
        Only names every word of which is a word of the text (or is, with a plural ending
        dropped: "smiths", "foxes") can match, since a name matches from a word boundary to
        one; those are withheld longest first ("Carl Rowe" before "Rowe"), each once however
        many OCGs share it. OCGs with a non-ASCII name are checked whole."""
        words = {stem for w in _WORD.findall(_fold(text)) for stem in (w, w[:-1], w[:-2])}
        any_case: set[str] = set()
        as_written: set[str] = set()
        for word in words & self.index.keys():
            for needed, term, anycase, ocg in self.index[word]:
                if needed <= words and ocg in among:
                    (any_case if anycase else as_written).add(term)
        for ocg_id in sorted(self.always & among):
            text = self.sub(ocg_id, text)
        for term in sorted(any_case | as_written, key=lambda t: (-len(t), t)):
            anycase = term in any_case  # as in ``_words``: any case wins over as written
            pattern = _words(
                frozenset({term} if anycase else ()), frozenset(() if anycase else {term})
            )
            if pattern is not None:
                text = pattern.sub(_withheld, text)
        return text


_Entry = tuple[frozenset[str], str, bool, int]
_State = tuple[
    dict[int, set[str]], dict[int, set[str]], dict[str, list[_Entry]], set[int], dict[int, Any]
]
_Rows = tuple[list[Any], list[Any], list[Any], list[Any]]


def _rows(session: Session, ids: list[int], aliases: AliasSource, every: bool) -> _Rows:
    """The four reads behind ``Names.need``: nominals, OCG aliases, OCG names, nominal
    aliases (a plugin's, through ``aliases``). ``every``: ``ids`` are all the OCGs, so the
    tables are read whole, with no list of thousands of ids to send. Core rows, not ORM:
    a delivery run reads them for every batch."""
    conn = session.connection()

    def read(query: Any, ocg_id: Any) -> list[Any]:
        wanted = query if every else query.where(ocg_id.in_(padded(ids)))
        return list(map(tuple, conn.execute(wanted)))

    nominals = read(
        select(Nominal.id, Nominal.ocg_id, Nominal.name, Nominal.role), col(Nominal.ocg_id)
    )
    ocg_aliases = read(select(OcgAlias.ocg_id, OcgAlias.alias), col(OcgAlias.ocg_id))
    ocgs = read(select(Ocg.id, Ocg.name), col(Ocg.id))
    found = list(aliases(session, ids)) if nominals else []
    return nominals, ocg_aliases, ocgs, found


def _copy(state: _State) -> _State:
    names, surnames, index, always, patterns = state
    return (
        {k: set(v) for k, v in names.items()},
        {k: set(v) for k, v in surnames.items()},
        {k: list(v) for k, v in index.items()},
        set(always),
        dict(patterns),
    )


class _Built:
    """The last few indexes built, each with the rows it was built from: a ``Names`` whose
    rows read the same takes the index as it is. Shared by threads (commands and delivery)."""

    SIZE = 4
    SMALLEST = 100  # OCGs: a smaller index is rebuilt faster than its rows are compared, and
    # the many small ones (one message's OCGs) would push the big ones out

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kept: dict[tuple[int, frozenset[int]], tuple[_Rows, _State]] = {}

    def get(self, aliases: AliasSource, ids: list[int], rows: _Rows) -> _State | None:
        if len(ids) < self.SMALLEST:
            return None
        with self.lock:
            found = self.kept.get((id(aliases), frozenset(ids)))
        return found[1] if found is not None and found[0] == rows else None

    def put(self, aliases: AliasSource, ids: list[int], rows: _Rows, state: _State) -> bool:
        """Keep ``state``; False when it is too small to keep."""
        if len(ids) < self.SMALLEST:
            return False
        with self.lock:
            self.kept.pop((id(aliases), frozenset(ids)), None)
            self.kept[(id(aliases), frozenset(ids))] = (rows, state)
            while len(self.kept) > self.SIZE:
                self.kept.pop(next(iter(self.kept)))
        return True


_BUILT = _Built()


_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    return text.translate(_ASCII_TWINS).lower()


def _withheld(match: re.Match[str]) -> str:
    return (match.group("t") or "") + WITHHELD


def normalise(text: str) -> str:
    """Full-width letters folded (NFKC) and invisible formatting characters (soft hyphens,
    zero-width spaces) dropped, so "Ｒｏｗｅ" or "Vo\u00adss" reads as the name it spells."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _may_occur(found: set[str], text: str) -> bool:
    """False only when no name in ``found`` can match in ``text``, in any case."""
    folded = _fold(text)
    return any(not n.isascii() or n.lower() in folded for n in found)


@lru_cache(maxsize=8192)  # an OCG's names reach many readers: compiled once, not per reader
def _words(any_case: frozenset[str], as_written: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern for both kinds of name, longest first, each with an optional plural. A name
    that is also an everyday word ("Pike", "Grant") is matched as written, in capitals ("PIKE",
    as police systems write surnames) and after a title in any case ("mr pike"); the title
    itself (group ``t``) is kept."""
    found = [(n, f"(?i:{re.escape(n)})") for n in any_case]
    found += [
        (n, f"(?(t)(?i:{re.escape(n)})|(?:{re.escape(n)}|{re.escape(n.upper())}))")
        for n in as_written - any_case
    ]
    if not found:
        return None
    alternatives = "|".join(p for _, p in sorted(found, key=lambda f: len(f[0]), reverse=True))
    title = r"(?P<t>(?i:(?:mr|mrs|ms|miss|mx|dr)\.?\s+))?"
    return re.compile(rf"\b{title}(?:{alternatives})(?i:e?s)?\b")


# Single words that are names but also ordinary English: matched only as written (capitalised),
# never in lower case. Extend it when a partner's text loses an everyday word.
_COMMON = """
    abbey able ace ash bank bar barber bay beach bell best bird black blue bolt bond book
    bottle bow box brand brass bridge bright brook brown buck bull bush butcher butler cage
    can cane cash castle chance chapel chase cheek child church clay cliff coach collar cook
    cooper copper cork cotton court crane cross crow crown dale dawn day dean dock docks
    door dove drake duke dyer earl east english fair faith field finch fish fisher fleet
    flood ford forest fort fowler fox frank free friend frost gamble garden gardener gay gem
    glass gold golden good grace grant gray green grey grove guy hall ham hand hardy harper
    hawk hay heath hill holly hood hope horn house hunt hunter ivy jack jay joy judge keen
    key king kite knight lake lamb lane law lea lee legal light lily lock long lord love low
    major mark marsh marshal mason may mayor mill miller moon moor moss new noble north oak
    orange page park patience peace pearl penny pike pine plant pool pope porter post potter
    pound power price prince rain ram ray read reed rich ridge ring river rob robin rock
    rose royal ruby rush sage salt savage sea shadow sharp shepherd ship short silver
    skinner slater small snow south sparrow spring squire stag stamp star steel stone storm
    strong summer swan sweet tanner temple thorn tower town tree vale walker wall ward
    warren water watt weaver well west white wild will wise wolf wood wren young
"""
COMMON_WORDS = frozenset(_COMMON.split())


def every_ocg(session: Session) -> set[int]:
    return {i for i in session.exec(select(Ocg.id)).all() if i is not None}


def names_hider(
    session: Session, ocg_ids: Iterable[int], aliases: AliasSource, names: Names | None = None
) -> Callable[[str], str]:
    """Withhold the names of every OCG in ``ocg_ids`` from any text, whichever OCG it is about:
    for a whole reply, whose lines don't say which OCG they came from. ``aliases`` has no
    default: a caller that forgot the bot's ``nominal_aliases`` (``access.aliases``) would let
    every nominal's alias through. Each text is checked only against the OCGs whose names
    could be in it (a partner may see thousands of OCGs); ``names`` shares what was read with
    other readers' hiders (it must have been made with the same ``aliases``)."""
    ids = frozenset(ocg_ids)
    found = names or Names(session, aliases)
    unread = [ids]

    def hide(text: str) -> str:
        if unread:
            found.need(unread.pop())
        text = normalise(text)
        return found.withhold(text, ids)

    return hide


def for_partner(
    session: Session,
    actor: Actor,
    reply: Reply,
    ocg_ids: Iterable[int] = (),
    typed: Iterable[str] = (),
    *,
    acl: Access | None = None,
    names: Names | None = None,
) -> Reply:
    """The reply as a partner may read it: every known name and alias of the OCGs they can see
    (and of ``ocg_ids``) withheld, whichever plugin wrote the text and whatever it copied.

    ``typed`` is what the partner typed: a reply quoting it back ("no OCG matching 'Voss'")
    quotes it as typed, never withheld, so a partner can't test a guessed name against the
    withholding. ``acl`` (the bot's permissions) says which OCGs they see, and brings the
    nominals' aliases (``acl.aliases``); without it every OCG's names are withheld (safe, but
    slower), though not the aliases plugins keep. ``names``: shared by many messages at once
    (a sweep's, to hundreds of partners), it withholds every OCG's names from each, read and
    held once: working out which of 5,000 OCGs each partner sees took three quarters of a
    national nudge sweep, and withholding the names of an OCG a partner does not see only
    withholds more."""
    visible: set[int]
    if acl is None or names is not None:  # every OCG's names: more than enough, never less
        visible = names.every() if names is not None else every_ocg(session)
    else:
        visible = acl.visible_ocg_ids(session, actor) or set()
    hide = names_hider(session, visible | set(ocg_ids), acl.aliases if acl else no_aliases, names)
    # Only an error quoting what was typed ("no OCG matching 'Voss'") keeps it as typed, and
    # only where it stands in quotes: anywhere else a typed fragment ("l R") would split a
    # name ("Carl Rowe") out of reach of the withholding and so give it away.
    echoes = (
        [f"{q}{w}{q}" for w in typed if len(w) > 2 for q in ("'", '"', "`")] if reply.error else []
    )

    def shown(text: str) -> str:
        kept = {f"\x00{n}\x00": e for n, e in enumerate(echoes) if e in text}
        for mark, echo in kept.items():
            text = text.replace(echo, mark)
        text = hide(text)
        for mark, echo in kept.items():
            text = text.replace(mark, echo)
        return text

    hidden = map_text(reply, shown)
    hidden.sanitised = True
    return hidden
