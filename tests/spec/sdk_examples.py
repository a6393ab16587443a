"""Extract the official Python SDK examples from the vendor docs (see tests/spec/seeds.py) at run time.

The docs' text lost its code layout in two ways: in some pages statements are glued onto one line
(`import base64import os`, `...)print(rsp)if ok:`, a `def` glued onto the comment before it), in others every
line lost its indentation. `restore` puts back line breaks and indentation and changes nothing else, so an
example squashed of whitespace is still the docs' text (tests/test_sdk_seed_examples.py checks that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from tests.spec.seeds import seed_files

ANCHOR = "from dashscope import"
INDENT = "    "
_HEADER_ABOVE = re.compile(r"\s*(import |from |#)")
_TAB_LABEL = re.compile(r"[A-Za-z.]+ SDK")  # the docs' language tabs ("Java SDK") end a Python example
_GLUED_IMPORT = re.compile(r"(?<=\w)(?:import|from) ")
_GLUED_AFTER_CLOSE = re.compile(r"[A-Za-z_]")
_GLUED_COMMENT = re.compile(r"(?<=\S)#")
_GLUED_DEF = re.compile(r"(?<=[^\s\w])(?:def|class) \w+\(")
_CONTINUES = re.compile(r"(?:else|elif|except|finally)\b")
_TOP_LEVEL = re.compile(r"(?:def|class) |if __name__\b|@")
_ENDS_BLOCK = re.compile(r"(?:return|raise|pass|break|continue)\b")
_ONE_STATEMENT_BLOCKS = ("if", "elif", "else", "for", "while", "with", "try", "except", "finally")


@dataclass(frozen=True)
class Example:
    """One SDK example and where it stands in the docs (1-based, inclusive line numbers)."""

    seed: str
    first: int
    last: int
    code: str

    @property
    def id(self) -> str:
        """A short test id: the seed number and first line."""
        return f"{self.seed[:3]}-L{self.first}"


def sdk_examples() -> list[Example]:
    """Every Python example in the docs that imports from `dashscope`, restored to runnable layout."""
    found: list[Example] = []
    for path in seed_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        last = -1
        for n, line in enumerate(lines):
            if ANCHOR in line and n > last:
                first, last = _extent(lines, n)
                found.append(Example(path.name, first + 1, last + 1, restore(lines[first:last + 1])))
    return found


class _Scan(NamedTuple):
    """What one physical line holds, read with the string and bracket state it starts in."""

    cuts: list[int]  # offsets where a statement (or a comment) is glued onto the one before it
    quote: str | None  # the triple-quoted string still open at its end
    depth: int  # bracket depth at its end
    comment: int | None  # where its comment starts
    prose: int | None  # where docs prose glued after its last statement starts (a heading after `main()`)


def _scan(line: str, quote: str | None = None, depth: int = 0) -> _Scan:
    """Read one physical line as Python, as far as restoring the layout needs."""
    cuts: list[int] = []
    i = 0
    while i < len(line):
        c = line[i]
        if quote is not None:
            if c == "\\":
                i += 1
            elif line.startswith(quote, i):
                i += len(quote) - 1
                quote = None
        elif c == "#":
            comment = line[i:]
            cuts += [i + m.start() for m in _GLUED_COMMENT.finditer(comment)]
            cuts += [i + m.start() for m in _GLUED_DEF.finditer(comment)]
            return _Scan(sorted(set(cuts)), None, depth, i, None)
        elif line.startswith(('"""', "'''"), i):
            quote = line[i:i + 3]
            i += 2
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            after = line[i + 1:i + 2]
            if depth == 0 and after and not after.isascii():
                return _Scan(cuts, None, depth, None, i + 1)
            if depth == 0 and _GLUED_AFTER_CLOSE.match(after):
                cuts.append(i + 1)
        elif _GLUED_IMPORT.match(line, i) and i > 0 and (line[i - 1].isalnum() or line[i - 1] == "_"):
            cuts.append(i)
        i += 1
    if quote in ('"', "'"):
        quote = None  # a one-quote string never spans lines
    return _Scan(cuts, quote, depth, None, None)


def _is_prose(line: str) -> bool:
    """A docs line that cannot be a line of the example: text led by a non-ASCII character, or a tab label."""
    text = line.strip()
    return bool(text) and (not text[0].isascii() or _TAB_LABEL.fullmatch(text) is not None)


def _extent(lines: list[str], anchor: int) -> tuple[int, int]:
    """First and last line (0-based) of the code block holding line `anchor`."""
    first = anchor
    while first > 0 and _HEADER_ABOVE.match(lines[first - 1]):
        first -= 1
    last, quote = anchor, None
    for n in range(anchor, len(lines)):
        if quote is None and _is_prose(lines[n]):
            break
        if lines[n].strip():
            last = n
        scan = _scan(lines[n], quote)
        if scan.prose is not None:
            break
        quote = scan.quote
    return first, last


@dataclass
class _Line:
    """One restored physical line: its indentation and text, and whether it is inside a string or brackets."""

    indent: str
    text: str
    in_string: bool  # starts inside a triple-quoted string: kept verbatim
    continued: bool  # starts inside brackets: a continuation of the statement before


def _split(lines: list[str]) -> list[_Line]:
    """Break glued statements onto lines of their own, each indented like the statement it was glued to."""
    out: list[_Line] = []
    quote: str | None = None
    depth = 0
    statement_indent = ""
    headers: list[tuple[str, str]] = []  # (indent, keyword) of the `if`/`try` headers so far, for a glued `else:`
    for raw in lines:
        if quote is not None:
            quote, depth = _scan(raw, quote, depth)[1:3]
            out.append(_Line("", raw, True, False))
            continue
        indent = raw[:len(raw) - len(raw.lstrip())]
        body = raw.strip()
        continued = depth > 0
        if not continued:
            statement_indent = indent
        scan = _scan(body, None, depth)
        quote, depth = scan.quote, scan.depth
        body = body[:scan.prose]
        pieces = [body[a:b] for a, b in zip([0, *scan.cuts], [*scan.cuts, len(body)], strict=True)]
        out.append(_Line(indent, pieces[0], False, continued))
        for piece in pieces[1:]:
            if piece.startswith("#") and out[-1].text.startswith("#"):
                piece_indent = out[-1].indent
            elif _CONTINUES.match(piece):
                piece_indent = next((i for i, k in reversed(headers) if len(i) < len(statement_indent)
                                     and (k == "try") == piece.startswith(("except", "finally"))), "")
            else:
                piece_indent = statement_indent
            out.append(_Line(piece_indent, piece, False, False))
            statement_indent = piece_indent
        for line in out[-len(pieces):]:
            keyword = line.text.split(" ", 1)[0].rstrip(":")
            if keyword in ("if", "try"):
                headers.append((line.indent, keyword))
    return out


def _reindent(lines: list[_Line]) -> None:
    """Put back indentation the docs lost: a `def` runs to its `return`, every other block holds one statement."""
    level = 0
    blocks: list[str] = []
    depth = 0
    for line in lines:
        if line.in_string or not line.text:
            continue
        if depth > 0:
            line.indent = INDENT * (level + 1)
        else:
            if _TOP_LEVEL.match(line.text):
                level, blocks = 0, []
            line.indent = INDENT * level
        scan = _scan(line.text, None, depth)
        depth = scan.depth
        code = line.text[:scan.comment].rstrip()
        if depth > 0 or not code:
            continue
        if code.endswith(":"):
            blocks.append(code.split(" ", 1)[0].rstrip(":"))
            level += 1
        elif blocks and (blocks[-1] in _ONE_STATEMENT_BLOCKS or _ENDS_BLOCK.match(code)):
            blocks.pop()
            level -= 1


def restore(lines: list[str]) -> str:
    """The example in `lines` with its line breaks and indentation put back."""
    split = _split(lines)
    code = [line for line in split if not line.in_string and line.text]
    if all(not line.indent for line in code) and any(line.text.endswith(":") for line in code):
        _reindent(split)
    return "".join(f"{line.indent}{line.text}".rstrip() + "\n" for line in split)
