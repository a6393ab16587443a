"""What the client knows about one model id: the facts of its `x-dashscope-model` extension."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One model id as the spec describes it (generated into `clients._generated.MODELS`)."""

    name: str
    schema: str  # components.schemas entry of the request
    route: str  # below /api/v1/services/aigc/
    mode: str  # async (a task) | sync (a detect answer)
    validation: str  # submit | deferred: where the real service reports parameter errors
    result: str | None  # components.schemas entry of the SUCCEEDED body
    output_kind: str  # video | image | template | json
    output_field: str  # dotted path of the result value(s) inside `output`; `[]` fans out over a list

    @property
    def is_async(self) -> bool:
        """Whether a create answers a task id (rather than a synchronous detect answer)."""
        return self.mode == "async"
