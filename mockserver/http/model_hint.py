"""The answer to a model the twin's spec lacks: the real "Model not exist.", plus, in the dev profile, a hint that
the spec may be behind the service (an `x-mock-hint` header and one log line per model) pointing to `--models`."""

from __future__ import annotations

import logging

from ..domain.state import Twin
from ..spec.catalog import DashScopeError

log = logging.getLogger("mockserver.models")
HEADER = "x-mock-hint"
_LOGGED_MAX = 256  # distinct unknown models logged per twin; past that only the header says it


def _shown(model: str) -> str:
    """`model` safe in a header and a log line: printable ASCII, at most 80 characters."""
    text = "".join(c if " " <= c <= "~" else "?" for c in model[:80])
    return text + ("..." if len(model) > 80 else "")


def hint(model: str) -> str:
    """What the twin says about a model its spec does not have."""
    return (f"the twin's spec has no model '{_shown(model)}' (the real service may have it): declare it in a "
            "model overlay, `models: {<id>: {like: <an existing id>}}`, and pass it with --models FILE "
            "(or DASHSCOPE_MOCK_MODELS, or the fixture marker's models=); `dashscope-mock models` lists the "
            "known ones")


class UnknownModel:
    """Builds the "Model not exist." error of one twin, with the dev profile's hint."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin
        self.logged: set[str] = set()

    def error(self, model: str) -> DashScopeError:
        """The catalogue's InvalidParameter "Model not exist." (with the hint header in the dev profile)."""
        exc = self.twin.catalog.error("InvalidParameter", like="Model not exist")
        if self.twin.settings.profile != "dev":
            return exc
        text = hint(model)
        exc.headers[HEADER] = text
        if model not in self.logged and len(self.logged) < _LOGGED_MAX:
            self.logged.add(model)
            log.warning("dashscope-mock: %s", self.twin.redact(text))
        return exc
