"""Build hook: ship openapi/dashscope.yaml inside the package (metadata lives in pyproject.toml).

The spec stays at the repository root, where the docs, the client codegen and the contract suite read it;
a wheel carries a copy as `mockserver/openapi/dashscope.yaml`, which `mockserver` loads when it is there.
Editable installs get no copy: they read the repository's file.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SPEC = Path("openapi") / "dashscope.yaml"
PACKAGED = Path("mockserver") / "openapi" / "dashscope.yaml"


class BuildPyWithSpec(build_py):
    """build_py that also copies the spec into the built `mockserver` package."""

    def run(self) -> None:
        """Build the packages, then add the spec beside them (not for editable installs)."""
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / PACKAGED
            self.mkpath(str(target.parent))
            self.copy_file(str(SPEC), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """The files this command writes, the spec copy included."""
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs.append(str(Path(self.build_lib) / PACKAGED))
        return outputs


setup(cmdclass={"build_py": BuildPyWithSpec})
