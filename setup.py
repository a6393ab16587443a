"""Build hook: ship openapi/dashscope.yaml inside the package (metadata lives in pyproject.toml).

The spec stays at the repository root, where the docs, the client codegen and the contract suite read it;
a wheel carries a copy as `mockserver/openapi/dashscope.yaml`, which `mockserver` loads when it is there, and
the parsed spec as `mockserver/openapi/dashscope.json` (mockserver/spec/cache.py's format: the SHA-256 of the
YAML's bytes and the document), so even the first start after install skips the YAML parse.
Editable installs get neither: they read the repository's file (and cache the parse per user).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_py import build_py

SPEC = Path("openapi") / "dashscope.yaml"
PACKAGED = Path("mockserver") / "openapi" / "dashscope.yaml"
PARSED = PACKAGED.with_suffix(".json")


def parsed_copy(raw: bytes) -> bytes | None:
    """The parsed-spec file for the YAML `raw`; None without PyYAML or when JSON cannot hold it exactly."""
    try:
        import yaml
    except ImportError:  # a build without PyYAML: the installed twin parses once and caches per user
        return None
    doc: Any = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        text = json.dumps({"sha256": hashlib.sha256(raw).hexdigest(), "document": doc}, allow_nan=False,
                          ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):  # dates, NaN
        return None
    return text.encode() if json.loads(text)["document"] == doc else None  # int keys became strings


class BuildPyWithSpec(build_py):
    """build_py that also copies the spec into the built `mockserver` package."""

    def run(self) -> None:
        """Build the packages, then add the spec beside them (not for editable installs)."""
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / PACKAGED
            self.mkpath(str(target.parent))
            self.copy_file(str(SPEC), str(target))
            parsed = parsed_copy(SPEC.read_bytes())
            if parsed is not None:
                (Path(self.build_lib) / PARSED).write_bytes(parsed)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """The files this command writes, the spec copy included."""
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs.append(str(Path(self.build_lib) / PACKAGED))
            if (Path(self.build_lib) / PARSED).is_file():
                outputs.append(str(Path(self.build_lib) / PARSED))
        return outputs


setup(cmdclass={"build_py": BuildPyWithSpec})
