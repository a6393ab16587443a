"""The SUCCEEDED `output` of a model family: result fields, prompts and extras, shaped by the spec.

`x-dashscope-model.output.field` is a dotted path whose segments may end in `[]`; the last `[]` is the
list that holds one entry per result (`results[].url`, `choices[].message.content[].image`,
`render_urls[]`), earlier ones hold a single entry. With no `[]` the one result sits at the path
(`video_url`, `results.video_url`, `output_image_url`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..domain.clock import format_cst
from ..domain.media import lookup


def shape_results(field: str, values: Sequence[Any], failed: int, beside_leaf: Mapping[str, Any],
                  constants: Mapping[str, Mapping[str, Any]] | None = None,
                  moderated: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The result field(s) as a dict to merge into `output`; the last `failed` items are `moderated` instead.

    A moderated item of a partly successful multi-image task is `{code, message}` (docs/behaviour.md §1.6).

    `constants` (spec `output.constants`) maps a path prefix such as `choices[].message` to fixed keys
    of the object found there (e.g. `{role: assistant}`).
    """
    segs = field.split(".")
    listed = [i for i, s in enumerate(segs) if s.endswith("[]")]
    shape = _Shape(segs, listed[-1] if listed else None, dict(beside_leaf), constants or {}, dict(moderated or {}))
    return shape.build(0, list(values), len(values) - failed)


class _Shape:
    def __init__(self, segs: list[str], expand_at: int | None, beside_leaf: dict[str, Any],
                 constants: Mapping[str, Mapping[str, Any]], moderated: dict[str, Any]) -> None:
        self.segs, self.expand_at, self.beside_leaf, self.constants = segs, expand_at, beside_leaf, constants
        self.moderated = moderated

    def _child(self, i: int, values: list[Any], failed_from: int, expand: bool) -> dict[str, Any]:
        child = self.build(i + 1, values, failed_from, expand)
        child.update(self.constants.get(".".join(self.segs[: i + 1]), {}))
        return child

    def build(self, i: int, values: list[Any], failed_from: int, expand: bool = True) -> dict[str, Any]:
        seg = self.segs[i]
        name = seg.removesuffix("[]")
        last = i == len(self.segs) - 1
        if expand and i == self.expand_at:
            items: list[Any] = []
            for k, value in enumerate(values):
                if k >= failed_from:
                    items.append(dict(self.moderated))
                elif last:
                    items.append(value)
                else:
                    items.append(self._child(i, [value], 1, False))
            return {name: items}
        if last:
            return {name: values[0], **self.beside_leaf}
        child = self._child(i, values, failed_from, expand)
        return {name: [child] if seg.endswith("[]") else child}


def prompts(request: Mapping[str, Any], fields: Sequence[str]) -> dict[str, str]:
    """The model's prompt fields (spec `output.prompts`): `orig_prompt` echoes the prompt; `actual_prompt` is
    left out when prompt extension is off (003 L5267-5269, L5982-5983; docs/behaviour.md §2.4)."""
    prompt = lookup(request, "input.prompt")
    text = prompt if isinstance(prompt, str) else ""
    out = {}
    if "orig_prompt" in fields:
        out["orig_prompt"] = text
    if "actual_prompt" in fields and lookup(request, "parameters.prompt_extend") is not False:
        out["actual_prompt"] = f"{text} Cinematic light, rich detail, steady camera." if text else ""
    return out


def extras(spec_extra: Mapping[str, Any], request: Mapping[str, Any], count: int, scheduled: float,
           url: Callable[[int], str], token: Callable[[int], str]) -> dict[str, Any]:
    """Evaluate `output.extra`: literals, request echoes, and extra URLs/tokens (openapi/README.md)."""
    out: dict[str, Any] = {}
    for n, (key, expr) in enumerate(spec_extra.items()):
        value: Any = expr
        if expr == "url":
            value = url(n)
        elif expr == "url[]":
            value = [url(n * 100 + i) for i in range(count)]
        elif expr == "token[]":
            value = [token(n * 100 + i) for i in range(count)]
        elif expr == "time_s":
            value = format_cst(scheduled)[:19]
        elif isinstance(expr, str) and expr.startswith(("input.", "parameters.")):
            value = lookup(request, expr)
        out[str(key)] = value
    return out
