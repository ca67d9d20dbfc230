"""The chat side of the papers: ``ocg page <OCG>`` and ``ocg pack [area NAME]``."""

from __future__ import annotations

from socbot_plugins.papers import pack, page

from socbot.context import Context
from socbot.model import Command, CommandError, Reply


def show_page(ctx: Context, cmd: Command) -> Reply:
    if not cmd.args:
        raise CommandError("Which OCG? e.g. `page smith`.", field="ocg")
    ocg = ctx.ocg(" ".join(cmd.args))
    found = page.load(
        ctx.session, ocg, ctx.now(), partner=ctx.sanitised, aliases=ctx.access.aliases
    )
    return page.card(found)


def show_pack(ctx: Context, cmd: Command) -> Reply:
    words = list(cmd.args)
    area = None
    if words and words[0].lower() == "area":
        area = " ".join(words[1:]).strip() or None
        if area is None:
            raise CommandError("Which area? e.g. `pack area Portsmouth`.", field="area")
    elif words:
        raise CommandError("`pack` takes `area NAME` or nothing: `pack area Portsmouth`.")
    visible = ctx.access.visible_ocg_ids(ctx.session, ctx.actor, "papers.pack")
    return pack.card(pack.load(ctx.session, ctx.now(), area=area, visible=visible))
