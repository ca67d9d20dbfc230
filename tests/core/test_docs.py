"""The documented plugin example is itself tested, and every hook is documented."""

import re
from pathlib import Path

import pytest

from socbot import hookspecs
from socbot.identify import Who
from socbot.plugins import get_plugin_manager

DOCS = Path(__file__).parents[2] / "docs" / "plugins.md"


def test_the_ten_line_example_works(make_bot, engine, tmp_path, monkeypatch):
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    (tmp_path / "socbot_hello.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    import socbot_hello

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(socbot_hello, name="hello")
    bot = make_bot(engine, plugins=pm, demo=True)
    reply = bot.handle("ocg hello Ada", Who("console", "evans"), face="console")
    assert reply.text == "Hello Ada"


def test_every_hook_has_a_docstring_and_a_row_in_the_docs():
    text = DOCS.read_text()
    names = [n for n in dir(hookspecs) if hasattr(getattr(hookspecs, n), "socbot_spec")]
    assert len(names) >= 7
    for name in names:
        assert getattr(hookspecs, name).__doc__, name
        assert f"`{name}(" in text, name


EXAMPLE = re.compile(r"<!-- example -->\s*```python\n(.*?)```", re.S)


def examples() -> list[str]:
    return EXAMPLE.findall(DOCS.read_text())


def test_the_guide_has_executed_examples():
    assert len(examples()) >= 5


@pytest.mark.parametrize("index", range(len(examples())))
def test_each_marked_example_in_the_guide_runs(index, make_bot, engine):
    """A ```python block after ``<!-- example -->`` runs with the test fixtures it names
    (``make_bot``, ``engine``) and its asserts must hold."""
    code = examples()[index]
    exec(
        compile(code, f"{DOCS.name} example {index + 1}", "exec"),
        {"make_bot": make_bot, "engine": engine},
    )
