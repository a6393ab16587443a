"""`make test-deps`: the published ranges, tested at both ends.

For each resolution (uv's `lowest-direct`: every direct dependency at the lowest version its range in
pyproject.toml allows; `highest`: the newest), resolve the runtime dependencies and the `sdk` extra, install them
into a venv of their own under build/deps/<resolution>/, and run the serving, upload, plugin and SDK tests there.
The test tools (pytest, pytest-xdist, hypothesis) are pinned from constraints.txt in both, so only the ranges we
publish move.

    python -m tests.deps.run [--resolution lowest-direct --resolution highest] [--write-docs] [-- PYTEST ARGS]
    python -m tests.deps.run --table-only      # only rewrite the docs table from the last runs

uv reads the same package indexes pip is configured with (`pip config list`: index-url, extra-index-url,
find-links), and considers every index for every package, as pip does. `--write-docs` rewrites the table of
tested versions in docs/dependencies.md from the runs' results (build/deps/<resolution>/versions.json).
Not part of `make test`: it downloads packages (about a minute per resolution) and needs the network or a mirror.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "deps"
DOCS_PAGE = ROOT / "docs" / "dependencies.md"
RESOLUTIONS = ("lowest-direct", "highest")
TOOLS = ("pytest", "pytest-xdist", "hypothesis")  # what the chosen tests need beyond the package itself
TESTS = (
    "tests/test_cli_serve.py",
    "tests/test_cli_help.py",
    "tests/test_client_cli.py",
    "tests/test_uploads.py",
    "tests/test_upload_bounds.py",
    "tests/test_real_payloads.py",
    "tests/test_serving_fallback.py",
    "tests/test_plugin.py",
    "tests/test_fixture_shared.py",
    "tests/test_intercept_fixture.py",
    "tests/test_sdk_aio.py",
    "tests/test_sdk_env.py",
    "tests/test_sdk_uploads.py",
    "tests/test_sdk_v1.py",
    "tests/test_sdk_v2.py",
    "tests/test_smoke_lifecycle.py",
    "tests/test_stores.py",
    "tests/test_admin.py",
    "tests/reliability",
)
TABLE_START = "<!-- tested-versions:start (python -m tests.deps.run --write-docs) -->"
TABLE_END = "<!-- tested-versions:end -->"


def requirement_name(requirement: str) -> str:
    """The normalised distribution name of a PEP 508 requirement string (`redis[hiredis]>=5` -> `redis`)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def published_ranges() -> dict[str, str]:
    """Each direct runtime and `sdk` dependency of pyproject.toml -> its range as written (markers included)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    ranges: dict[str, str] = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["sdk"]]:
        name = requirement_name(requirement)
        spec = re.sub(r"^\s*[A-Za-z0-9._-]+(\[[^\]]*\])?", "", requirement).strip()
        ranges[name] = spec
    return ranges


def pip_index_args() -> list[str]:
    """uv arguments for the indexes pip is configured with, so uv reaches the same mirrors pip does."""
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True,
                         check=False).stdout
    values: dict[str, list[str]] = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        option = key.rsplit(".", 1)[-1]
        values.setdefault(option, []).extend(value.strip().strip("'\"").split())
    for option, variable in (("index-url", "PIP_INDEX_URL"), ("extra-index-url", "PIP_EXTRA_INDEX_URL"),
                             ("find-links", "PIP_FIND_LINKS")):
        if os.environ.get(variable):
            values[option] = os.environ[variable].split()
    args: list[str] = []
    for url in dict.fromkeys(values.get("index-url", [])):
        args += ["--index-url", url]
    for url in dict.fromkeys(values.get("extra-index-url", [])):
        args += ["--extra-index-url", url]
    for place in dict.fromkeys(values.get("find-links", [])):
        args += ["--find-links", place]
    return [*args, "--index-strategy", "unsafe-best-match"]  # pip's behaviour: the best version of any index


def pinned_tools() -> list[str]:
    """The test tools' exact versions from constraints.txt."""
    pins = {requirement_name(line): line.strip() for line in (ROOT / "constraints.txt").read_text().splitlines()
            if "==" in line and not line.startswith("#")}
    return [pins[name] for name in TOOLS]


def uv() -> str:
    """The uv executable of this venv (the dev extra installs it), else one on PATH."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        raise SystemExit("uv is not installed: pip install -c constraints.txt -e '.[dev]' (make .venv/.installed)")
    return found


def run(cmd: list[str], **kwargs: object) -> None:
    """Run a command, echoing it; exit with its status when it fails."""
    print("+", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=ROOT, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def resolve_and_test(resolution: str, pytest_args: list[str]) -> dict[str, str]:
    """Resolve, install and test one resolution; returns the direct dependencies' installed versions."""
    here = BUILD / resolution
    shutil.rmtree(here, ignore_errors=True)
    here.mkdir(parents=True)
    tools = here / "tools.in"
    tools.write_text("\n".join(pinned_tools()) + "\n")
    locked = here / "requirements.txt"
    index = pip_index_args()
    python = here / "venv" / "bin" / "python"
    run([uv(), "pip", "compile", "-q", "pyproject.toml", "--extra", "sdk", str(tools), "--resolution", resolution,
         "--python", sys.executable, "--only-binary", ":all:", *index, "-o", str(locked)])
    run([uv(), "venv", "-q", "--python", sys.executable, str(here / "venv")])
    run([uv(), "pip", "install", "-q", "--python", str(python), "-r", str(locked), *index])
    run([uv(), "pip", "install", "-q", "--python", str(python), "--no-deps", "-e", ".", *index])
    versions = installed_versions(python)
    direct = {name: versions.get(name, "(not installed)") for name in published_ranges()}
    (here / "versions.json").write_text(json.dumps(direct, indent=1, sort_keys=True) + "\n")
    print(f"== {resolution}: " + ", ".join(f"{name} {version}" for name, version in sorted(direct.items())))
    started = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run([str(python), "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", *TESTS, *pytest_args], env=env)
    print(f"== {resolution}: tests passed in {time.monotonic() - started:.0f} s", flush=True)
    return direct


def installed_versions(python: Path) -> dict[str, str]:
    """Every distribution installed in the venv of `python` -> its version."""
    out = subprocess.run([str(python), "-c", "import json, importlib.metadata as m; print(json.dumps("
                          "{d.metadata['Name']: d.version for d in m.distributions()}))"],
                         capture_output=True, text=True, check=True).stdout
    return {requirement_name(name): version for name, version in json.loads(out).items()}


def table(results: dict[str, dict[str, str]]) -> str:
    """The Markdown table of the published ranges and the versions each resolution tested."""
    lines = ["| package | range (pyproject.toml) | lowest tested | newest tested |", "|---|---|---|---|"]
    for name, spec in sorted(published_ranges().items()):
        row = [results.get(resolution, {}).get(name, "?") for resolution in RESOLUTIONS]
        lines.append(f"| {name} | `{spec}` | {row[0]} | {row[1]} |")
    return "\n".join(lines)


def write_docs() -> None:
    """Replace the table between the markers of docs/dependencies.md with the runs' results."""
    results = {}
    for resolution in RESOLUTIONS:
        found = BUILD / resolution / "versions.json"
        if found.exists():
            results[resolution] = json.loads(found.read_text())
    page = DOCS_PAGE.read_text()
    head, _, rest = page.partition(TABLE_START)
    _, _, tail = rest.partition(TABLE_END)
    DOCS_PAGE.write_text(f"{head}{TABLE_START}\n{table(results)}\n{TABLE_END}{tail}")
    print(f"wrote {DOCS_PAGE.relative_to(ROOT)}")


def main() -> None:
    """Resolve, install and test each requested resolution, then optionally write the docs table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", action="append", choices=RESOLUTIONS)
    parser.add_argument("--write-docs", action="store_true", help="rewrite the table in docs/dependencies.md")
    parser.add_argument("--table-only", action="store_true", help="only rewrite the docs table from the last runs")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args()
    for resolution in [] if args.table_only else args.resolution or RESOLUTIONS:
        resolve_and_test(resolution, args.pytest_args)
    if args.write_docs or args.table_only:
        write_docs()


if __name__ == "__main__":
    main()
