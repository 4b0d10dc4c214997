"""Docs that stay true: every ``diming …`` command line in README.md and docs/*.md
names commands, subcommands and options that exist.

Command lines are read from code blocks (fenced or indented, ``$`` prompts, ``\\``
continuations, ``&&``/``;``/``|`` chains, ``VAR=value`` prefixes) and from inline
code spans that start with ``diming``. Each is split with shlex and parsed by click
itself, level by level from ``cli.main``, so a renamed subcommand, a dropped option or
a stray extra argument fails with the file, line and the offending word. Of the values
only those with a fixed list are checked (click.Choice options, the layer of
``import``/``export``); placeholders (``<dir>``, ``…``, ``$VAR``) stand for anything,
optional parts may be written in ``[brackets]``, ``a|b`` in a span means either word,
and an option named in prose without its value (``diming redistrict --out``) is fine.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from cli import main
from cli.data_commands import registry

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OPERATORS = {"&&", "||", ";", "|", "&"}
PLACEHOLDER = re.compile(r"^(<.*>|…|\.\.\.|\$\w+|\$\{.*\})$")


@dataclass(frozen=True)
class CommandLine:
    path: Path
    line: int
    args: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.args)

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the shell lines in fenced and indented code blocks, continuations joined."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out, fenced, pending = [], False, None
    for number, raw in enumerate(lines, start=1):
        if raw.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not (fenced or raw.startswith(("    ", "\t"))):
            pending = None
            continue
        text = raw.strip()
        if pending is not None:
            start, before = pending
            text, number = before + " " + text, start
        if text.endswith("\\"):
            pending = (number, text[:-1])
            continue
        pending = None
        out.append((number, text))
    return out


def _inline_spans(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of inline code spans outside code blocks (a span may wrap a line)."""
    text = path.read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    prose = "\n".join("" if line.startswith(("    ", "\t")) else line for line in prose.split("\n"))
    return [(prose.count("\n", 0, m.start()) + 1, " ".join(m.group(1).split())) for m in re.finditer(r"`([^`]+)`", prose)]


def _commands(text: str) -> list[list[str]]:
    """The argument lists of the ``diming`` invocations in one shell line."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|&;")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: not a command line
        return []
    segments, current = [], []
    for token in tokens:
        if token in OPERATORS:
            segments.append(current)
            current = []
        else:
            current.append(token)
    segments.append(current)
    commands = []
    for segment in segments:
        while segment and (segment[0] == "$" or re.match(r"^[A-Z_][A-Z0-9_]*=", segment[0])):
            segment = segment[1:]  # prompt, environment assignments
        for redirect in ("<", ">", ">>", "2>", "2>>"):  # redirections and their files are the shell's
            while redirect in segment[:-1]:
                at = segment.index(redirect)
                segment = segment[:at] + segment[at + 2 :]
        if segment and (segment[0] == "diming" or segment[0].endswith("/diming")):
            commands.append([token.strip("[]") for token in segment[1:] if token.strip("[]")])
    return commands


def _alternatives(span: str) -> list[str]:
    """``diming signs export|import`` means both commands."""
    match = re.search(r"(?<=\s)([\w-]+)\|([\w-]+)(?=\s|$)", span)
    if not match:
        return [span]
    return [span[: match.start()] + word + span[match.end() :] for word in match.groups()]


def command_lines() -> list[CommandLine]:
    found = []
    for path in DOCS:
        for number, text in _code_lines(path):
            found += [CommandLine(path, number, tuple(args)) for args in _commands(text)]
        for number, span in _inline_spans(path):
            span = span.removeprefix("$ ")
            if span.split(" ", 1)[0] == "diming":
                for alternative in _alternatives(span):
                    found += [CommandLine(path, number, tuple(args)) for args in _commands(alternative)]
    return found


def problem(args: list[str]) -> str | None:
    """What is wrong with ``diming <args>``, naming the bad word; None if click accepts its names and options.

    Each level's options are checked by click's own parser (no values converted, no callbacks run); the next
    subcommand is found the way click's Group finds it, custom ``parse_args`` included.
    """
    command, name, parent = main, "diming", None
    while True:
        bare = click.Context(command, info_name=name, parent=parent)
        try:
            values, leftover, _ = command.make_parser(bare).parse_args(args=list(args))
        except click.NoSuchOption as exc:
            return f"no option {exc.option_name!r} for `{bare.command_path}`"
        except click.BadOptionUsage as exc:
            if args and exc.option_name == args[-1] and "requires an argument" in exc.format_message():
                args = [*args, "…"]  # `diming redistrict --out` in prose names the option, its value left out
                continue
            return f"`{bare.command_path}`: {exc.format_message()}"
        except click.UsageError as exc:
            return f"`{bare.command_path}`: {exc.format_message()}"
        if not isinstance(command, click.Group):
            extra = [a for a in leftover if not PLACEHOLDER.match(a)]
            if extra:
                return f"unexpected argument {extra[0]!r} for `{bare.command_path}`"
            return wrong_value(command, bare, values)
        context = command.make_context(name, list(args), parent=parent, resilient_parsing=True)
        rest = [*context._protected_args, *context.args]  # what click's Group.invoke resolves next
        if not rest or PLACEHOLDER.match(rest[0]):
            return None
        name, command, args = command.resolve_command(context, rest)
        if command is None:
            return f"no command {rest[0]!r} in `{context.command_path}`"
        parent = context


def wrong_value(command: click.Command, context: click.Context, values: dict) -> str | None:
    """A value the command can only refuse: outside a click.Choice, or an unknown layer of import/export."""
    for param in command.get_params(context):
        given = values.get(param.name)
        choices = list(param.type.choices) if isinstance(param.type, click.Choice) else None
        if command.name in ("import", "export") and param.name == "layer":
            choices = registry().names()
        if choices is None or given is None:
            continue
        for value in given if isinstance(given, (list, tuple)) else [given]:
            if isinstance(value, str) and not PLACEHOLDER.match(value) and value not in choices:
                return f"{value!r} is not one of the {param.name} values of `{context.command_path}`"
    return None


LINES = command_lines()


def test_the_docs_contain_command_lines():
    """The extractor finds code-block lines, continuations, prompts, env prefixes and inline spans."""
    texts = {(c.path.name, c.text) for c in LINES}
    assert len(LINES) > 100
    assert ("README.md", "db upgrade") in texts
    assert ("operations.md", "serve --workers 4") in texts  # after two VAR=value \ lines
    assert ("placenames.md", "names romanize 中山东路 --sign") in texts  # $ prompt
    assert ("README.md", "users token wang") in texts  # after &&
    assert ("door-numbers.md", "signs import") in texts  # inline `diming signs export|import`


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        (["db", "upgrad"], "'upgrad'"),
        (["names", "romanize", "x", "--signs"], "'--signs'"),
        (["--database", "x", "db", "current"], "'--database'"),
        (["serve", "extra"], "'extra'"),
        (["boundaries", "markers", "export", "L1", "--spacing-km", "1"], "'--spacing-km'"),
        (["import", "road", "x.csv"], "'road'"),
        (["users", "add", "wang", "--role", "officer"], "'officer'"),
    ],
)
def test_a_wrong_word_is_named(args, bad):
    assert bad in problem(args)


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "x.gpkg", "db", "current"],
        ["boundaries", "markers", "530103-530111", "--synthetic"],  # the older form the markers group still accepts
        ["users", "add", "…", "--password", "…"],
        ["inspections", "report", "<code>", "--out", "<dir>"],
        ["signs", "report", "--help"],
    ],
)
def test_valid_lines_pass(args):
    assert problem(args) is None


def test_every_documented_command_exists():
    wrong = [f"{c.where()}: diming {c.text}\n    {message}" for c in LINES if (message := problem(list(c.args)))]
    assert not wrong, "documented commands that diming does not have:\n" + "\n".join(wrong)
