"""Built-in plugin: the menu of tactics in chat, and an OCG's profile that tailors it.

Commands: ``tactics`` (categories), ``tactics <category> [words]``, ``tactics search <words>``,
``tactics for <OCG>`` (ranked suggestions, each with its reasons), ``tactic <id>`` and
``profile <OCG> [add <category> "fact"]``. Other plugins get the validated menu (built-in plus
local tactics) from ``menu_for(pm)``, cached per plugin manager.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import pluggy

from socbot import ROLES, CommandError, CommandSpec, Fact, Item, Permission, Reply, hookimpl
from socbot.context import Context
from socbot.demo import Demo
from socbot.model import Command, Severity

from . import demo as tactics_demo
from . import hookspecs
from .catalogue import (
    BUILTIN_PATH,
    CATEGORIES,
    CATEGORY_LABELS,
    Tactic,
)
from .profile import profile_command
from .registry import Catalogue, menu_for
from .search import search
from .settings import SETTINGS, TacticsSettings
from .suggest import suggestions

if TYPE_CHECKING:
    from socbot import BotApi
    from socbot.registry import Register

__all__ = ["Catalogue", "menu", "menu_for"]

_PREVENT = ("prevent-primary", "prevent-secondary", "prevent-tertiary")
_CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "vehicle": ("vehicles",),
    "criminality": ("crime",),
    "enabler": ("enablers",),
    "facilitators": ("enablers",),
    "behavior": ("behaviour",),
    "prevent": _PREVENT,
    "primary": ("prevent-primary",),
    "secondary": ("prevent-secondary",),
    "tertiary": ("prevent-tertiary",),
}
SEARCH_LIMIT = 10
MENU_PLUGIN = "socbot_plugins.tactics.menu"


@hookimpl
def add_hookspecs(pm: pluggy.PluginManager) -> None:
    pm.add_hookspecs(hookspecs)


@hookimpl
def register_permissions(register: Register) -> None:
    everyone = dict.fromkeys(ROLES, "any")
    register(Permission("tactics.read", "browse and search the menu of tactics", everyone))
    # everyone who reads the OCG (``ocg.read``), except partners
    readers = {**dict.fromkeys(("admin", "sro", "analyst", "moderator"), "any")}
    readers |= dict.fromkeys(("lro", "sio", "plead", "coordinator"), "own")
    register(
        Permission(
            "profile.read",
            "read what is known of an OCG's business, vehicles, lifestyle (police only)",
            readers,
        )
    )
    register(
        Permission(
            "profile.write",
            "add what is known of the OCG's business, vehicles, lifestyle...",
            {"sro": "any", "analyst": "any", "lro": "own", "sio": "own", "plead": "own"},
        )
    )


@hookimpl
def register_commands(register: Register) -> None:
    register(
        CommandSpec(
            "tactics",
            tactics_command,
            "The menu of tactics: browse, search, or get suggestions for an OCG",
            usage="tactics [<category> [words] | search <words> | for <OCG>]",
            examples=(
                "tactics",
                "tactics vehicles",
                "tactics search fire doors",
                "tactics for smith",
            ),
            permission="tactics.read",
            details="Suggestions weigh the OCG's profile, the pillars its plan leaves empty and "
            "its Clear/Hold/Build phase, and leave out tactics it has already used.",
        )
    )
    register(
        CommandSpec(
            "tactic",
            tactic_command,
            "One tactic in full: what it is, the power, who leads, what to ask partners for",
            usage="tactic <id>",
            examples=("tactic veh-plate-spacing",),
            permission="tactics.read",
        )
    )
    register(
        CommandSpec(
            "profile",
            profile_command,
            "What is known of an OCG's business, vehicles, lifestyle...: sharpens suggestions",
            usage='profile <OCG> [add <category> "fact"]',
            examples=(
                "profile smith",
                'profile smith add vehicles "private plate, leased Range Rover"',
            ),
            permission="profile.read",
            writes=True,
        )
    )


class _Menu:
    """Answers ``tactics_menu`` with one bot's validated menu."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    @hookimpl
    def tactics_menu(self) -> Catalogue:
        return self.catalogue


@hookimpl
def startup(bot: BotApi) -> None:
    """Load and validate the menu now, so a bad local tactic stops the bot with its id."""
    catalogue = menu_for(bot.pm, bot.plugin_settings("tactics", TacticsSettings).files)
    if not bot.pm.has_plugin(MENU_PLUGIN):  # one manager may serve several bots (tests)
        bot.pm.register(_Menu(catalogue), name=MENU_PLUGIN)


def menu(ctx: Context) -> Catalogue:
    """The bot's validated menu (loaded at start)."""
    found: Catalogue = ctx.hooks.tactics_menu()
    return found


def tactics_command(ctx: Context, cmd: Command) -> Reply:
    if not cmd.args:
        return list_categories(ctx)
    first, rest = cmd.args[0].lower(), list(cmd.args[1:])
    if first == "for":
        if not rest:
            raise CommandError("Which OCG? Try `ocg tactics for smith`.", field="ocg")
        return suggestions(ctx, menu(ctx), " ".join(rest))
    if first == "search":
        if not rest:
            raise CommandError(
                "Search for what? Try `ocg tactics search fire doors`.", field="words"
            )
        return search_reply(menu(ctx), " ".join(rest))
    return list_category(menu(ctx), category_for(first), " ".join(rest))


def list_categories(ctx: Context) -> Reply:
    tactics = menu(ctx)
    items = [
        Item(f"{CATEGORY_LABELS[c]} (`{c}`)", _count(len(tactics.by_category[c])))
        for c in CATEGORIES
    ]
    return Reply(
        title=f"Menu of tactics: {len(tactics)} tactics in {len(CATEGORIES)} categories",
        items=items,
        context="`ocg tactics <category>` lists one; `ocg tactics search <words>` searches; "
        "`ocg tactics for <OCG>` suggests tactics for an OCG.",
    )


def category_for(word: str) -> tuple[str, ...]:
    """The categories ``word`` names ("prevent" names all three), or an error listing them."""
    key = word.strip().lower()
    if key in CATEGORIES:
        return (key,)
    if key in _CATEGORY_ALIASES:
        return _CATEGORY_ALIASES[key]
    close = difflib.get_close_matches(key, [*CATEGORIES, *_CATEGORY_ALIASES], n=1, cutoff=0.6)
    hint = (
        f" Did you mean `{'`, `'.join(_CATEGORY_ALIASES.get(close[0], close))}`?" if close else ""
    )
    raise CommandError(
        f"There is no tactics category {word[:30]!r}.{hint} The categories are: "
        f"{', '.join(CATEGORIES)}. To search, use `ocg tactics search <words>`; for an OCG, "
        "`ocg tactics for <OCG>`.",
        field="category",
    )


def list_category(tactics: Catalogue, categories: tuple[str, ...], words: str) -> Reply:
    entries = [t for c in categories for t in tactics.by_category[c]]
    label = " / ".join(CATEGORY_LABELS[c] for c in categories)
    if words:
        entries = [t for t, _ in search(entries, words, limit=len(entries))]
        if not entries:
            return Reply(
                title=f"No {label} tactic matches {words[:60]!r}",
                text=f"`ocg tactics {categories[0]}` lists them all; `ocg tactics search "
                f"{words[:60]}` looks in every category.",
                severity=Severity.WARNING,
            )
    return Reply(
        title=f"{label}: {_count(len(entries))}" + (f" matching {words[:60]!r}" if words else ""),
        items=[_line(t) for t in entries],
        context="`ocg tactic <id>` shows one in full.",
    )


def search_reply(tactics: Catalogue, words: str) -> Reply:
    hits = search(tactics, words, limit=SEARCH_LIMIT)
    if not hits:
        return Reply(
            title=f"No tactic matches {words[:60]!r}",
            text="Try fewer or plainer words (e.g. `loan`, `number plate`, `fire doors`), or "
            "browse with `ocg tactics`.",
            severity=Severity.WARNING,
        )
    return Reply(
        title=f"Tactics matching {words[:60]!r}",
        items=[_line(t) for t, _ in hits],
        context="Best match first. `ocg tactic <id>` shows one in full.",
    )


def _count(n: int) -> str:
    return f"{n} tactic" if n == 1 else f"{n} tactics"


def _line(t: Tactic) -> Item:
    return Item(
        f"`{t.id}` {t.title}",
        f"{t.category_label} · {t.pillar.title()} · {', '.join(p.title() for p in t.phases)}"
        f" · lead: {t.lead}",
    )


def tactic_command(ctx: Context, cmd: Command) -> Reply:
    if not cmd.args:
        raise CommandError(
            "Which tactic? Give its id, e.g. `ocg tactic veh-plate-spacing`; "
            "`ocg tactics search <words>` finds ids.",
            field="tactic",
        )
    tactics = menu(ctx)
    wanted = cmd.args[0].strip("`").lower()
    tactic = tactics.get(wanted)
    if tactic is None:
        raise unknown_tactic(tactics, " ".join(cmd.args))
    return Reply(
        title=tactic.title,
        text=tactic.summary,
        facts=[
            Fact("Id", tactic.id),
            Fact("Category", tactic.category_label),
            Fact("Pillar", tactic.pillar.title()),
            Fact("Phases", ", ".join(p.title() for p in tactic.phases)),
            Fact("Power", tactic.power or "No specific power needed"),
            Fact("Lead", tactic.lead),
            Fact("Ask partners for", tactic.ask),
            Fact("Source", tactic.source),
            *([Fact("Local tactic", tactic.origin)] if tactic.origin != BUILTIN_PATH.name else []),
        ],
        context=f"To plan it: `ocg action <OCG> from tactic {tactic.id} @owner by <when>`.",
    )


def unknown_tactic(tactics: Catalogue, typed: str) -> CommandError:
    """Name the closest ids, by spelling first and then by meaning."""
    close = difflib.get_close_matches(typed.lower(), list(tactics.by_id), n=3, cutoff=0.5)
    for t, _ in search(tactics, typed.replace("-", " "), limit=3):
        if t.id not in close and len(close) < 3:
            close.append(t.id)
    hint = f" Closest: {', '.join(f'`{c}`' for c in close)}." if close else ""
    return CommandError(
        f"There is no tactic with the id {typed[:48]!r}.{hint} "
        "`ocg tactics search <words>` finds tactics by subject.",
        field="tactic",
    )


@hookimpl
def register_settings(register: Register) -> None:
    register(SETTINGS)


@hookimpl
def load_demo(demo: Demo) -> None:
    tactics_demo.load(demo)


@hookimpl
def register_tables(register: Register) -> None:
    from pathlib import Path

    from socbot_plugins.tactics.models import ProfileFact

    from socbot import Tables

    register(Tables(models=(ProfileFact,), migrations=Path(__file__).parent / "migrations"))
