"""Which models and request bodies the checks send. Model facts (route, mode, validation timing, bad cases)
come from the spec; the only choices made here are which two models to use, and why.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from mockserver.spec.document import Spec
from mockserver.spec.profiles import ModelProfile, Registry

# The cheapest image model (003 L179 recommends wanx2.0-t2i-turbo when cost matters more than quality),
# at the smallest size its schema allows and one image, so a paid check costs one small image.
PAID_MODEL = "wanx2.0-t2i-turbo"
PAID_PARAMETERS: dict[str, Any] = {"size": "512*512", "n": 1, "prompt_extend": False}
PAID_PROMPT = "a small red circle on a white background"
# A model whose parameter errors the real service reports after submit (spec: validation: deferred;
# docs/behaviour.md §1.4 lists wanx2.1-t2v-turbo among the probed models). Its failed tasks are free.
DEFERRED_MODEL = "wanx2.1-t2v-turbo"


class ChoiceError(Exception):
    """The spec no longer supports a choice made here (a model vanished or changed validation timing)."""


def _apply(body: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """A spec `x-dashscope-cases` entry applied to a body: `unset` dotted paths, then `set` them."""
    out = copy.deepcopy(body)
    for dotted in case.get("unset", []):
        *head, leaf = str(dotted).split(".")
        node = out
        for part in head:
            node = node.get(part, {})
        node.pop(leaf, None)
    for dotted, value in (case.get("set") or {}).items():
        *head, leaf = str(dotted).split(".")
        node = out
        for part in head:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def _invalid_cases(profile: ModelProfile) -> list[dict[str, Any]]:
    return [c for c in profile.schema.get("x-dashscope-cases", []) if c.get("valid") is False]


@dataclass(frozen=True)
class Choices:
    """The models, routes and bodies of the contract checks."""

    paid: ModelProfile
    deferred: ModelProfile
    paid_body: dict[str, Any]
    deferred_body: dict[str, Any]
    submit_invalid: dict[str, Any]  # rejected at submit (HTTP 400)
    submit_invalid_why: str
    deferred_invalid: dict[str, Any]  # accepted, then FAILED InvalidParameter; no prompt: nothing to bill
    deferred_invalid_why: str
    bad_parameter: dict[str, Any]  # a valid prompt with one deliberately invalid parameter
    bad_parameter_why: str

    @classmethod
    def from_spec(cls, spec: Spec, registry: Registry) -> Choices:
        """Build the choices and check them against the spec."""
        paid = registry.model(PAID_MODEL)
        deferred = registry.model(DEFERRED_MODEL)
        if paid is None or deferred is None:
            raise ChoiceError(f"the spec no longer names {PAID_MODEL} or {DEFERRED_MODEL}")
        if paid.validation != "submit" or deferred.validation != "deferred":
            raise ChoiceError(f"{PAID_MODEL} must validate at submit and {DEFERRED_MODEL} deferred")
        paid_body = {"model": PAID_MODEL, "input": {"prompt": PAID_PROMPT}, "parameters": dict(PAID_PARAMETERS)}
        if list(spec.validator(paid.schema_name).iter_errors(paid_body)):
            raise ChoiceError(f"the paid body is not valid for {PAID_MODEL} any more")
        deferred_body = spec.example_body(DEFERRED_MODEL) or {"model": DEFERRED_MODEL,
                                                              "input": {"prompt": PAID_PROMPT}}
        # the first invalid case of each model is its missing prompt: the safest error, nothing to generate
        submit_case = _invalid_cases(paid)[0]
        deferred_case = _invalid_cases(deferred)[0]
        bad = next(c for c in _invalid_cases(deferred)
                   if c.get("set") and all(str(k).startswith("parameters.") for k in c["set"]))
        return cls(paid=paid, deferred=deferred, paid_body=paid_body, deferred_body=deferred_body,
                   submit_invalid=_apply(paid_body, submit_case), submit_invalid_why=str(submit_case["why"]),
                   deferred_invalid=_apply(deferred_body, deferred_case),
                   deferred_invalid_why=str(deferred_case["why"]),
                   bad_parameter=_apply(deferred_body, bad), bad_parameter_why=str(bad["why"]))

    @staticmethod
    def route_path(profile: ModelProfile) -> str:
        """The create path below the base URL (which ends in /api/v1)."""
        return f"/services/aigc/{profile.route}"
