"""Bounds on what one request may make the twin do or keep (docs/performance.md, "Reliability")."""

from __future__ import annotations

from typing import Any

# A create body: three data-URI items at the documented per-item cap of 10485760 bytes (docs/behaviour.md
# §1.8) plus 2 MiB for everything else. Larger bodies answer BadRequest.TooLarge before they are parsed.
MAX_CREATE_BYTES = 3 * 10_485_760 + 2 * 1024 * 1024
# Result files: no documented output is larger than 4096 px a side or longer than a few minutes; a size or
# duration the schema lets through unchecked (a pattern only checks `W*H`'s shape) is clamped to these.
MAX_SIDE = 8192
MAX_DURATION_S = 600.0
MAX_FPS = 120
# JSON nesting: real bodies nest 5 levels at most (mask_color's arrays of arrays); deeper ones are not a
# request but an attack on the recursive validators, and answer the body error.
MAX_DEPTH = 32
# Strings kept in a stored task's body: a longer one (a data: URI, an unknown blob) is replaced by a marker
# once its input check is done, so a task's record stays small whatever its create carried.
MAX_KEPT_STRING = 16 * 1024


def too_deep(value: Any, limit: int = MAX_DEPTH, raw: bytes | None = None) -> bool:
    """Whether parsed JSON nests deeper than `limit` (iterative: no recursion on hostile input).

    With `raw`, the JSON text `value` was parsed from, a text with at most `limit` opening brackets answers
    at once: each level needs one (a create body has a handful, and the walk cost more than its parse)."""
    if raw is not None and raw.count(b"{") + raw.count(b"[") <= limit:
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def shrink(value: Any) -> tuple[Any, bool]:
    """`value` with every string over MAX_KEPT_STRING replaced by a marker, and whether any was."""
    changed = False

    def walk(node: Any) -> Any:
        nonlocal changed
        if isinstance(node, str) and len(node) > MAX_KEPT_STRING:
            changed = True
            head = node[:64].split(",", 1)[0] if node.startswith("data:") else node[:32]
            return f"{head}...<{len(node)} characters not kept>"
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(value), changed
