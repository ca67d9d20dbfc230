"""The Teams app package: ``socbot manifest teams --app-id ID --out socbot-teams.zip``.

``manifests/teams/manifest.json`` is the template (placeholder app id, two icons beside it). The
bot menu holds at most 10 commands, and socbot has more, so the menu lists the everyday ones and
``OMITTED`` names every other registered command with where people find it instead. The build
refuses a menu that has drifted from the registered commands, so Teams never offers a command
that no longer exists and a new command is always a deliberate menu decision.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from socbot.registry import CommandSpec, collect

FOLDER = Path(__file__).resolve().parents[3] / "manifests" / "teams"
ICONS = {"color.png": (192, 192), "outline.png": (32, 32)}
PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"
MAX_MENU = 10
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)

_BUTTONS = "on the buttons of reminder and status cards"
_ACTIONS = "action upkeep: `help action` and the action cards lead there"
_READS = "reached from a status card or `help`"
_MODERATORS = "moderators only: `help` lists them for moderators"
_ADMIN = "administration: `help` lists them for admins"
_PLAN = "the plan card's buttons and `help plan` lead there"
OMITTED: dict[str, str] = {
    "snooze": _BUTTONS,
    "minutes": "after the tasking meeting, LROs and coordinators: `help` lists it for them",
    "schedule": "coordinators and the SRO: `help` lists it for them",
    "schedules": "coordinators and the SRO: `help` lists it for them",
    "unschedule": "coordinators and the SRO: `help` lists it for them",
    "seen": _BUTTONS,
    "cancel": _ACTIONS,
    "reassign": _ACTIONS,
    "take": _ACTIONS,
    "disruptions": _READS,
    "reviews": _READS,
    "tactic": _READS,
    "profile": _READS,
    "moderation": _MODERATORS,
    "sensitive": "SIOs and LROs only: `help` lists it for them",
    "nominals": "police only: `help` lists it for those who may read nominals",
    "nominal": "police only: `help` lists it for those who may change nominals",
    "accept": _MODERATORS,
    "reject": _MODERATORS,
    "needs-info": _MODERATORS,
    "merge": _MODERATORS,
    "remoderate": _MODERATORS,
    "disruption": "one disruption's record and history: the links in replies and `help` lead there",
    "audit": _ADMIN,
    "channel": _ADMIN,
    "grant": _ADMIN,
    "revoke": _ADMIN,
    "user": _ADMIN,
    "users": _ADMIN,
    "new": _ADMIN,
    "set": "the LRO's and the SRO's: `help set` lists what each may set",
    "chart": _READS,
    "decide": _PLAN,
    "decisions": _PLAN,
    "objective": _PLAN,
    "lead": _PLAN,
    "team": _PLAN,
    "handover": _PLAN,
    "intel": _PLAN,
    "health": _PLAN,
    "close": "the LRO's and the SRO's, once a plan's work is done: `help close`",
    "reopen": "the LRO's and the SRO's: `help reopen`",
    "page": "for the tasking meeting: `help page`; the PDF comes from `socbot export page`",
    "pack": "the SRO's and coordinators': `help` lists it for them",
}


class ManifestError(ValueError):
    """The package can't be built as asked; the message says why."""


def load(folder: Path = FOLDER) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def menu(manifest: dict[str, Any]) -> list[dict[str, str]]:
    return [c for lst in manifest["bots"][0]["commandLists"] for c in lst["commands"]]


def description(spec: CommandSpec) -> str:
    return spec.summary if len(spec.summary) <= 128 else spec.summary[:127] + "…"


def problems(manifest: dict[str, Any], commands: dict[str, CommandSpec]) -> list[str]:
    """Where the menu and the built-in commands disagree (empty when they match). A
    third-party plugin's commands are reached by typing or `help`: the Teams menu holds ten."""
    commands = {n: s for n, s in commands.items() if _built_in(s)}
    found: list[str] = []
    titles = [c["title"] for c in menu(manifest)]
    for lst in manifest["bots"][0]["commandLists"]:
        if len(lst["commands"]) > MAX_MENU:
            found.append(f"a Teams menu holds {MAX_MENU} commands, not {len(lst['commands'])}")
    for entry in menu(manifest):
        spec = commands.get(entry["title"])
        if spec is None:
            found.append(f"menu command {entry['title']!r} is not registered")
        elif entry["description"] != description(spec):
            found.append(f"menu description of {entry['title']!r} differs from its summary")
    for name in sorted(set(commands) - set(titles) - set(OMITTED)):
        found.append(f"command {name!r} is neither in the menu nor in OMITTED")
    for name in sorted(set(OMITTED) - set(commands)):
        found.append(f"OMITTED names {name!r}, which is not registered")
    for name in sorted(set(OMITTED) & set(titles)):
        found.append(f"{name!r} is both in the menu and in OMITTED")
    return found


def _built_in(spec: CommandSpec) -> bool:
    return not spec.plugin or spec.plugin.startswith(("socbot_plugins.", "socbot."))


def registered() -> dict[str, CommandSpec]:
    """The commands the installed plugins register (no database needed)."""
    from socbot.plugins import get_plugin_manager

    found = collect(get_plugin_manager(), "register_commands", CommandSpec)
    return {spec.name: replace(spec, plugin=plugin) for plugin, spec in found}


def build(
    app_id: str,
    out: Path,
    *,
    domain: str | None = None,
    commands: dict[str, CommandSpec] | None = None,
    folder: Path = FOLDER,
) -> Path:
    """Write the upload zip: manifest.json with the app id filled in, and the two icons."""
    if not _GUID.match(app_id) or app_id == PLACEHOLDER_ID:
        raise ManifestError(
            f"{app_id!r} isn't an app id: use the Microsoft App ID (a GUID) of the Azure Bot."
        )
    if domain is not None and not _DOMAIN.match(domain):
        raise ManifestError(f"{domain!r} isn't a domain name (e.g. socbot.force.police.uk).")
    manifest = load(folder)
    wrong = problems(manifest, registered() if commands is None else commands)
    if wrong:
        raise ManifestError("The Teams menu is out of date: " + "; ".join(wrong))
    manifest["id"] = app_id
    manifest["bots"][0]["botId"] = app_id
    for extension in manifest.get("composeExtensions", []):  # the search runs on the same bot
        extension["botId"] = app_id
    if domain:
        manifest["validDomains"] = [domain]
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            package.write(folder / icon, icon)
    return out


def run(args: argparse.Namespace) -> int:
    """``socbot manifest teams``: 0 with the zip written, 2 with the reason it wasn't."""
    try:
        out = build(args.app_id, args.out, domain=args.domain)
    except ManifestError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app)")
    return 0


def draw_icons(folder: Path = FOLDER) -> None:
    """The committed icons: a shield split in four (the 4Ps). Run once; kept for re-drawing."""
    from PIL import Image, ImageDraw

    def shield(size: int) -> list[tuple[float, float]]:
        s = size
        return [
            (0.2 * s, 0.16 * s),
            (0.8 * s, 0.16 * s),
            (0.8 * s, 0.5 * s),
            (0.5 * s, 0.86 * s),
            (0.2 * s, 0.5 * s),
        ]

    big = 768  # drawn large, scaled down: smooth edges
    colour = Image.new("RGBA", (big, big), "#1F3A5F")
    pen = ImageDraw.Draw(colour)
    pen.polygon(shield(big), fill="#FFFFFF")
    pen.line([(0.5 * big, 0.16 * big), (0.5 * big, 0.86 * big)], fill="#1F3A5F", width=28)
    pen.line([(0.2 * big, 0.42 * big), (0.8 * big, 0.42 * big)], fill="#1F3A5F", width=28)
    colour.resize(ICONS["color.png"], Image.Resampling.LANCZOS).convert("RGB").save(
        folder / "color.png"
    )

    outline = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    pen = ImageDraw.Draw(outline)
    pen.polygon(shield(big), outline=(255, 255, 255, 255), width=56)
    pen.line(
        [(0.5 * big, 0.16 * big), (0.5 * big, 0.86 * big)], fill=(255, 255, 255, 255), width=48
    )
    pen.line(
        [(0.2 * big, 0.42 * big), (0.8 * big, 0.42 * big)], fill=(255, 255, 255, 255), width=48
    )
    small = outline.resize(ICONS["outline.png"], Image.Resampling.LANCZOS)
    alpha = small.getchannel("A")  # Teams wants pure white on transparent: keep only the alpha
    white = Image.new("RGBA", small.size, (255, 255, 255, 0))
    white.putalpha(alpha)
    white.save(folder / "outline.png")
