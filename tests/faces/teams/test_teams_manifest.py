"""The Teams app package: its menu matches the registered commands, its icons are what Teams
accepts, and ``socbot manifest teams`` builds the zip people upload."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from socbot.bot import Bot
from socbot.cli import main
from socbot.faces.teams import manifest as teams_manifest

APP_ID = "8d3a1c2e-5b4f-4e6a-9c7d-0a1b2c3d4e5f"


def test_the_menu_matches_the_registered_commands(bot: Bot) -> None:
    manifest = teams_manifest.load()
    assert teams_manifest.problems(manifest, bot.commands) == []
    titles = [c["title"] for c in teams_manifest.menu(manifest)]
    assert set(titles) | set(teams_manifest.OMITTED) == set(bot.commands)
    for command in teams_manifest.menu(manifest):
        assert len(command["title"]) <= 32 and len(command["description"]) <= 128


def test_a_new_command_must_be_placed_in_the_menu_or_omitted_on_purpose(bot: Bot) -> None:
    from dataclasses import replace

    commands = dict(bot.commands)
    commands["brand-new"] = replace(commands["help"], name="brand-new")
    del commands["plan"]
    found = teams_manifest.problems(teams_manifest.load(), commands)
    assert "command 'brand-new' is neither in the menu nor in OMITTED" in found
    assert "menu command 'plan' is not registered" in found


def test_the_manifest_declares_a_bot_for_personal_chats_and_teams() -> None:
    manifest = teams_manifest.load()
    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/teams/v1.22/MicrosoftTeams.schema.json")
    [bot] = manifest["bots"]
    assert set(bot["scopes"]) == {"personal", "team"}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert all(u.startswith("https://") for u in manifest["developer"].values() if "://" in u)
    assert manifest["validDomains"] and all("/" not in d for d in manifest["validDomains"])


def test_the_icons_are_what_teams_accepts() -> None:
    colour = Image.open(teams_manifest.FOLDER / "color.png")
    outline = Image.open(teams_manifest.FOLDER / "outline.png").convert("RGBA")
    assert colour.size == (192, 192) and outline.size == (32, 32)
    alphas = outline.getchannel("A").getextrema()
    assert alphas[0] == 0, "the outline icon has a transparent background"
    for red, green, blue, alpha in outline.get_flattened_data():
        assert alpha == 0 or (red, green, blue) == (255, 255, 255), "white only"


def test_socbot_manifest_teams_builds_the_upload_zip(tmp_path: Path) -> None:
    out = tmp_path / "socbot-teams.zip"
    code = main(["manifest", "teams", "--app-id", APP_ID, "--out", str(out),
                 "--domain", "socbot.hants.police.uk"])  # fmt: skip
    assert code == 0
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["composeExtensions"][0]["botId"] == APP_ID, "the search runs on the bot"
    assert manifest["validDomains"] == ["socbot.hants.police.uk"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app-id", "not-a-guid"], "isn't an app id"),
        (["--app-id", teams_manifest.PLACEHOLDER_ID], "isn't an app id"),
        (["--app-id", APP_ID, "--domain", "https://x.example/"], "isn't a domain"),
    ],
)
def test_a_bad_package_request_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture, args: list[str], message: str
) -> None:
    out = tmp_path / "x.zip"
    assert main(["manifest", "teams", *args, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
