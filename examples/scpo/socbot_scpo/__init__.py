"""socbot-scpo: Serious Crime Prevention Orders on an OCG's nominals (an example plugin).

Only hook implementations live here; each names the module that does the work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from socbot import Permission, PluginSettings, Tables, hookimpl
from socbot.registry import Register
from socbot_scpo import commands, expiry
from socbot_scpo import demo as demo_data
from socbot_scpo.models import Scpo

if TYPE_CHECKING:
    from socbot.demo import Demo


@hookimpl
def register_commands(register: Register) -> None:
    register(commands.spec())


@hookimpl
def register_permissions(register: Register) -> None:
    register(
        Permission(
            "scpo.manage",
            "record a Serious Crime Prevention Order on a nominal",
            {"sro": "any", "lro": "own", "sio": "own"},
        )
    )
    police = {"admin": "any", "sro": "any", "analyst": "any", "moderator": "any"}
    police |= dict.fromkeys(("lro", "sio", "plead", "coordinator"), "own")
    register(Permission("scpo.read", "list the SCPOs on an OCG's nominals", police))


@hookimpl
def register_tables(register: Register) -> None:
    register(Tables(models=(Scpo,), migrations=Path(__file__).parent / "migrations" / "versions"))


@hookimpl
def register_settings(register: Register) -> None:
    register(PluginSettings("scpo", expiry.ScpoSettings))


@hookimpl
def register_jobs(register: Register) -> None:
    register(expiry.job())


@hookimpl
def load_demo(demo: Demo) -> None:
    demo_data.load(demo)
