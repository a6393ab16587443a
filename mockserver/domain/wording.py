"""How a broken request rule is worded: pydantic's words, as the real service uses them, never JSON Schema's.

The real service reports parameter errors as pydantic does, `<text>: <field>` ("Field required: input.media",
"Input should be '1080P' or '720P': parameters.resolution"), and some fields with a wording of their own
("Duration should be between 2 and 15", "size must be in ..."): docs/behaviour.md §1.4. The spec gives those
as `x-dashscope-message` on the subschema, either one message for any failure there or a map from keyword to
message; they are used word for word. Everything else is worded here from the rule itself, so no message ever
carries a JSON-Schema phrase, a Python repr of the request or an exception name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import ValidationError

_TYPE_WORDS = {
    "string": "a valid string",
    "integer": "a valid integer",
    "number": "a valid number",
    "boolean": "a valid boolean",
    "array": "a valid list",
    "object": "a valid dictionary",
    "null": "None",
}
# a `contains` failure with no match at all is reported by jsonschema as `contains`, a short count as `minContains`
_SAME_RULE = {"contains": "minContains"}


def path_of(parts: Sequence[Any]) -> str:
    """A pydantic-style location: the path's segments joined by dots (`input.media.0.type`)."""
    return ".".join(str(p) for p in parts)


def quote_list(values: Sequence[Any]) -> str:
    """Values as pydantic lists them: `'a', 'b' or 'c'` (strings quoted, in the spec's order)."""
    quoted = [f"'{v}'" if isinstance(v, str) else _num(v) for v in values]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _num(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def override(error: ValidationError) -> str | None:
    """The spec's own wording for this failure (`x-dashscope-message`), if it has one."""
    if not isinstance(error.schema, Mapping):
        return None
    custom = error.schema.get("x-dashscope-message")
    if isinstance(custom, str):
        return custom
    if isinstance(custom, Mapping):
        keyword = str(error.validator)
        found = custom.get(keyword, custom.get(_SAME_RULE.get(keyword, keyword)))
        return str(found) if found is not None else None
    return None


def item_filter(sub: Any) -> str:
    """What a `contains` subschema picks out, in words: `with type 'first_frame'`, `with 'text'`."""
    if not isinstance(sub, Mapping):
        return "matching the rule"
    if sub.get("title"):
        return f"of kind '{sub['title']}'"
    parts = []
    for key, prop in (sub.get("properties") or {}).items():
        if isinstance(prop, Mapping) and "const" in prop:
            parts.append(f"{key} {quote_list([prop['const']])}")
        elif isinstance(prop, Mapping) and "enum" in prop:
            parts.append(f"{key} {quote_list(prop['enum'])}")
    if parts:
        return "with " + " and ".join(parts)
    required = [str(r) for r in sub.get("required") or ()]
    if required:
        return "with " + " and ".join(f"'{r}'" for r in required)
    return "matching the rule"


def presence(sub: Any) -> str | None:
    """Words for an alternative that only asks for something to be there (`required` or `contains`), else None."""
    if not isinstance(sub, Mapping):
        return None
    keys = {k for k in sub if not k.startswith("x-") and k not in ("description", "title")}
    if keys == {"required"}:
        return " and ".join(str(r) for r in sub["required"])
    if keys and keys <= {"contains", "minContains", "type"} and "contains" in keys:
        return f"an item {item_filter(sub['contains'])}"
    return None


def scalar(sub: Any) -> str | None:
    """Words for an alternative that bounds one value (`const`, `enum`, a range), else None."""
    if not isinstance(sub, Mapping):
        return None
    if "const" in sub:
        return quote_list([sub["const"]])
    if "enum" in sub:
        return quote_list(sub["enum"])
    low, high = sub.get("minimum"), sub.get("maximum")
    if low is not None and high is not None:
        return f"between {_num(low)} and {_num(high)}"
    if low is not None:
        return f"greater than or equal to {_num(low)}"
    if high is not None:
        return f"less than or equal to {_num(high)}"
    return None


def alternatives(subs: Any) -> tuple[str, str] | None:
    """(kind, words) for an anyOf/oneOf whose branches are all presence rules or all scalar bounds."""
    if not isinstance(subs, list) or not subs:
        return None
    for kind, word in (("presence", presence), ("scalar", scalar)):
        words = [word(s) for s in subs]
        if all(words):
            return kind, " or ".join(w for w in words if w)
    return None


def describe(error: ValidationError) -> str:
    """Word one failed rule as the real service would: the rule's text, then `: <field>`."""
    where = path_of(error.absolute_path)
    custom = override(error)
    if custom is not None:
        return custom
    text, field = _text(error, where)
    return f"{text}: {field}" if field else text


def _text(error: ValidationError, where: str) -> tuple[str, str]:
    """(text, field) for one failure; the field is where the message points (usually the failing value)."""
    v = error.validator
    arg: Any = error.validator_value
    instance: Any = error.instance
    if v == "required":
        missing = [f for f in arg if isinstance(instance, Mapping) and f not in instance]
        return "Field required", ".".join(filter(None, [where, str(missing[0]) if missing else ""]))
    if v == "dependentRequired" and isinstance(arg, Mapping) and isinstance(instance, Mapping):
        for needs in (deps for key, deps in arg.items() if key in instance):
            for dep in needs:
                if dep not in instance:
                    return "Field required", ".".join(filter(None, [where, str(dep)]))
    if v == "pattern":  # never the regular expression itself: the spec's words for the format, if it has them
        words = error.schema.get("x-dashscope-format") if isinstance(error.schema, Mapping) else None
        return (f"String should be {words}" if words else "String should match the documented format"), where
    simple = _simple(v, arg, instance)
    if simple is not None:
        return simple, where
    if v in ("contains", "minContains"):
        wanted = int(error.schema.get("minContains", 1)) if isinstance(error.schema, Mapping) else 1
        sub = error.schema.get("contains") if isinstance(error.schema, Mapping) else None
        return f"Value error, at least {_plural(wanted, 'item')} {item_filter(sub)} required", where
    if v == "maxContains":
        sub = error.schema.get("contains") if isinstance(error.schema, Mapping) else None
        return f"Value error, at most {_plural(int(arg), 'item')} {item_filter(sub)} allowed", where
    if v == "not":
        return _negation(arg, where)
    if v in ("anyOf", "oneOf"):
        found = alternatives(arg)
        if found and found[0] == "scalar":
            return f"Input should be {found[1]}", where
        if found and v == "oneOf" and not error.context:
            return f"Value error, only one of {found[1]} is allowed", where
        if found:
            return f"Value error, {'exactly' if v == 'oneOf' else 'at least'} one of {found[1]} is required", where
    if v is None or arg is False:  # a `false` subschema: the field may not be sent at all
        return "Extra inputs are not permitted", where
    if v == "uniqueItems":
        return "Value error, list items should be unique", where
    return f"The type or value of {where or 'the request'} is out of definition.", ""


def _simple(v: Any, arg: Any, instance: Any) -> str | None:
    """pydantic's own wording for the single-value rules."""
    if v == "enum":
        return f"Input should be {quote_list(arg)}"
    if v == "const":
        return f"Input should be {quote_list([arg])}"
    if v == "type":
        types = [arg] if isinstance(arg, str) else list(arg)
        return "Input should be " + " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    bounds = {"minimum": "greater than or equal to", "maximum": "less than or equal to",
              "exclusiveMinimum": "greater than", "exclusiveMaximum": "less than"}
    if v in bounds:
        return f"Input should be {bounds[v]} {_num(arg)}"
    if v == "minLength":
        return f"String should have at least {_plural(int(arg), 'character')}"
    if v == "maxLength":
        return f"String should have at most {_plural(int(arg), 'character')}"
    size = len(instance) if isinstance(instance, list | dict) else 0
    if v in ("minItems", "maxItems"):
        return f"List should have {'at least' if v == 'minItems' else 'at most'} {_plural(int(arg), 'item')} " \
               f"after validation, not {size}"
    if v in ("minProperties", "maxProperties"):
        return f"Dictionary should have {'at least' if v == 'minProperties' else 'at most'} " \
               f"{_plural(int(arg), 'item')} after validation, not {size}"
    return None


def _negation(sub: Any, where: str) -> tuple[str, str]:
    """A `not` rule: a field that may not be sent, fields that exclude each other, an item that may not be there."""
    if sub is True or sub == {}:
        return "Extra inputs are not permitted", where
    if isinstance(sub, Mapping):
        required = [str(r) for r in sub.get("required") or ()]
        if set(sub) == {"required"} and len(required) == 1:
            return "Extra inputs are not permitted", ".".join(filter(None, [where, required[0]]))
        if set(sub) == {"required"}:
            return f"Value error, {' and '.join(required)} cannot be used together", where
        if "contains" in sub:
            return f"Value error, no item {item_filter(sub['contains'])} allowed", where
        if "enum" in sub or "const" in sub:
            return f"Input should not be {scalar(sub)}", where
    return "Value error, this combination of values is not allowed", where
