"""Reading a YAML file so that every fault names its file, line and column.

A syntax error, a tab used for indentation or a file that is not UTF-8 becomes a
:class:`YamlError` (a ``ValueError``) whose message is ``FILE:LINE:COLUMN: what is wrong
(how to fix)``; the line of every mapping key is kept, so that checks on the content can
point at the key they refuse.

Example
-------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d) / "grid.yaml"
...     _ = p.write_text("notebook: a.md\\nparameters:\\n\\tdrug: [x]\\n")
...     try:
...         read_yaml(p)
...     except YamlError as err:
...         print(err)
grid.yaml:3:1: a tab is used for indentation (indent with spaces)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class YamlError(ValueError):
    """A YAML file that cannot be read, with the place of the fault in its message."""


@dataclass(frozen=True)
class YamlDocument:
    """The content of a YAML file and the line (1-based) of each mapping key, by key path."""

    data: Any
    shown: str
    lines: dict[tuple, int] = field(default_factory=dict)

    def at(self, *keys) -> str:
        """``FILE:LINE`` of the deepest of ``keys`` that is found (``FILE:1`` if none)."""
        for depth in range(len(keys), 0, -1):
            if keys[:depth] in self.lines:
                return f"{self.shown}:{self.lines[keys[:depth]]}"
        return f"{self.shown}:1"


def _key_lines(node, prefix: tuple, out: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, key.value)
            out[path] = key.start_mark.line + 1
            _key_lines(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[(*prefix, i)] = item.start_mark.line + 1
            _key_lines(item, (*prefix, i), out)


def _unclosed(text: str) -> tuple[int, int] | None:
    """(line, column) of the last bracket that is never closed, outside quotes and comments."""
    stack: list[tuple[int, int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        quote = ""
        for column, char in enumerate(line, start=1):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#" and (column == 1 or line[column - 2].isspace()):
                break
            elif char in "[{":
                stack.append((number, column))
            elif char in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _message(err: yaml.YAMLError, text: str = "") -> tuple[int, int, str]:
    problem = getattr(err, "problem", None) or str(err)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if "stream end" in problem and getattr(err, "context_mark", None) is not None:
        mark = err.context_mark  # a bracket or quote never closed: where it opens, not the end of the file
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "stream end" in problem and _unclosed(text):
        line, column = _unclosed(text)
    if "'\\t'" in problem or "\t" in problem:
        return line, column, "a tab is used for indentation (indent with spaces)"
    context = getattr(err, "context", None)
    text = f"{context}, {problem}" if context else problem
    return line, column, f"YAML syntax error: {text} (check the indentation, colons and brackets)"


def read_yaml(path: str | Path, shown: str | None = None) -> YamlDocument:
    """Read ``path``; raise :class:`YamlError` at the line and column of any fault.

    Parameters
    ----------
    path : the YAML file.
    shown : name used in messages (default: the file name).
    """
    path = Path(path)
    shown = shown or path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise YamlError(f"{shown}:0: file not found (check the path)") from None
    except OSError as err:
        raise YamlError(f"{shown}:0: cannot be read: {err.strerror} (check the path)") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise YamlError(f"{shown}:{line}: byte 0x{raw[err.start]:02x} is not UTF-8 (re-save the file as UTF-8)") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        line, column, message = _message(err, text)
        raise YamlError(f"{shown}:{line}:{column}: {message}") from None
    lines: dict[tuple, int] = {}
    _key_lines(node, (), lines)
    return YamlDocument(data, shown, lines)
