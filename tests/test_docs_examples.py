"""Every Python and shell example in README.md and docs/**/*.md runs, as a reader would run it.

Conventions for whoever writes a page (docs/contributing.md, "Examples in the docs", says the same):

- A fenced block tagged ```python, ```sh or ```bash is an example. Any other tag (yaml, toml, text, none) is
  not run, so use ```text for output, synopses and header lines.
- A Python block that defines a `test_...` function is a pytest file. All such blocks run together in one
  pytest process in a fresh project directory, with the installed plugin (the `dashscope_mock` fixture) and
  nothing else from this repository on the path; each block must have at least one passing test and none
  failing. Write them complete: imports included.
- Any other Python block is a script, and a shell block is a `bash -euo pipefail` script. Each runs in a fresh
  temporary directory with this venv's `bin` first on PATH, against a twin served for the examples
  (`dashscope-mock serve --profile dev`), with the environment the getting-started page tells users to set:
  DASHSCOPE_HTTP_BASE_URL, DASHSCOPE_BASE_URL, DASHSCOPE_API_KEY (`sk-docs-example`) and NO_PROXY. It must exit
  0 within 60 s.
- Examples address that twin as `127.0.0.1:8089` or `localhost:8089` (where `make serve` listens); the test
  rewrites those to the served twin's port.
- The directory holds `cat.png` (a 1280x720 photo-like PNG), for examples that upload a local image.
- ```yaml and ```toml blocks are not run, but each must parse (a compose file or a workflow cannot run here).
- A block whose code is the same as an earlier one's (the README repeats a few) runs once, as the first.
- A block that cannot run here (it needs a real DashScope key, docker, or a server that runs until stopped) is
  preceded by a line `<!-- example: skip REASON -->`; it is reported as skipped with REASON.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockserver.testing import free_port

from .health import served

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUN_TIMEOUT = 60.0
API_KEY = "sk-docs-example"
FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.S | re.M)
SKIP = re.compile(r"<!--\s*example:\s*skip\s+(?P<reason>.+?)\s*-->\s*$")
SERVED_AT = re.compile(r"\b(?:127\.0\.0\.1|localhost):8089\b")
RUNNABLE = {"python": "python", "py": "python", "sh": "shell", "bash": "shell", "shell": "shell"}


@dataclass(frozen=True)
class Example:
    """One fenced block: where it is, what it is, and why it is skipped (None when it runs)."""

    path: str
    line: int
    kind: str  # "pytest", "python" or "shell"
    code: str
    skip: str | None

    @property
    def id(self) -> str:
        """`docs/page.md:42`, the id pytest shows."""
        return f"{self.path}:{self.line}"


def pages() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def examples_in(path: Path) -> list[Example]:
    """The runnable fenced blocks of one page, in order."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        kind = RUNNABLE.get(match.group("lang").lower())
        if kind is None:
            continue
        indent = len(match.group("indent"))
        code = "\n".join(line[indent:] for line in match.group("body").splitlines()) + "\n"
        if kind == "python" and re.search(r"^(?:async )?def test_\w*\(", code, re.M):
            kind = "pytest"
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        line = text.count("\n", 0, match.start()) + 1
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        found.append(Example(name, line, kind, code,
                             skip.group("reason") if skip else None))
    return found


def first_of_each(examples: list[Example]) -> list[Example]:
    """One example per distinct code (the README repeats a few of the pages' examples): the first place shown."""
    return list({(e.kind, e.code): e for e in reversed(examples)}.values())[::-1]


EXAMPLES = [example for page in pages() for example in examples_in(page)]
SCRIPTS = first_of_each([e for e in EXAMPLES if e.kind != "pytest" and e.skip is None])
TESTS = first_of_each([e for e in EXAMPLES if e.kind == "pytest" and e.skip is None])
SKIPPED = [e for e in EXAMPLES if e.skip is not None]


def clean_env() -> dict[str, str]:
    """This process's environment without what pytest, xdist or an earlier twin put there."""
    drop = ("PYTEST_", "DASHSCOPE_", "COV_CORE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(BIN.parent)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def write_cat_png(path: Path) -> None:
    """A 1280x720 photo-like PNG (noise over a gradient), the `cat.png` examples upload."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((1280, 720))
    noise = Image.effect_noise((1280, 720), 40)
    Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT))).save(path)


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `dashscope-mock serve --profile dev` for the examples; yields its host:port."""
    port = free_port()
    log = tmp_path_factory.mktemp("docs-twin") / "serve.log"
    argv = [str(BIN / "dashscope-mock"), "serve", "--port", str(port), "--profile", "dev", "--quiet",
            "--time-scale", "100"]  # the SDK and the client poll in real time: let tasks finish in milliseconds
    with served(argv, f"http://127.0.0.1:{port}", log, env=clean_env()):
        yield f"127.0.0.1:{port}"


def example_env(twin: str) -> dict[str, str]:
    """What a reader has set after the getting-started page, pointed at the served twin."""
    env = clean_env()
    env.update(DASHSCOPE_HTTP_BASE_URL=f"http://{twin}/api/v1", DASHSCOPE_BASE_URL=f"http://{twin}/api/v1",
               DASHSCOPE_API_KEY=API_KEY, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return env


def test_the_examples_are_found(tmp_path: Path) -> None:
    # the collector itself: a page with each kind of block, a skip marker, and blocks that are not examples
    page = tmp_path / "probe.md"
    page.write_text("x\n```python\nprint(1)\n```\n<!-- example: skip needs docker -->\n```sh\ndocker ps\n```\n"
                    "```yaml\na: 1\n```\n```text\n$ ls\n```\n  ```python\n  def test_x():\n      pass\n  ```\n")
    found = examples_in(page)
    assert [(e.kind, e.line, e.skip) for e in found] == [("python", 2, None), ("shell", 6, "needs docker"),
                                                         ("pytest", 15, None)]
    assert found[2].code == "def test_x():\n    pass\n"
    assert SCRIPTS and TESTS, "README.md and docs/ have runnable examples"


@pytest.mark.parametrize("example", SCRIPTS, ids=lambda e: e.id)
def test_script_example_runs(example: Example, twin: str, tmp_path: Path) -> None:
    write_cat_png(tmp_path / "cat.png")
    code = SERVED_AT.sub(twin, example.code)
    argv = [str(BIN / "python"), "-c", code] if example.kind == "python" else ["bash", "-euo", "pipefail", "-c", code]
    try:
        done = subprocess.run(argv, cwd=tmp_path, env=example_env(twin), capture_output=True, text=True,
                              timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"{example.id} ran longer than {RUN_TIMEOUT:.0f} s:\n{timeout.stdout!r}\n{timeout.stderr!r}")
    assert done.returncode == 0, f"{example.id} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"


def test_pytest_examples_pass(tmp_path: Path) -> None:
    """All pytest-style blocks in one pytest process (a per-block outcome from its JUnit report)."""
    names = {}
    for number, example in enumerate(TESTS):
        module = f"test_docs_example_{number}"
        names[module] = example
        (tmp_path / f"{module}.py").write_text(example.code, encoding="utf-8")
    write_cat_png(tmp_path / "cat.png")
    report = tmp_path / "report.xml"
    done = subprocess.run([str(BIN / "python"), "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir",
                           str(tmp_path), f"--junitxml={report}", str(tmp_path)],
                          cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=120)
    assert report.exists(), f"pytest did not run:\n{done.stdout}\n{done.stderr}"
    outcomes: dict[str, list[str]] = {module: [] for module in names}
    for case in ET.parse(report).iter("testcase"):
        module = case.get("classname", "").split(".")[0]
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        outcomes.setdefault(module, []).append(outcome)
    bad = [f"{names[m].id}: {o or 'no tests collected'}" for m, o in outcomes.items()
           if m in names and (not o or any(x != "passed" for x in o))]
    assert not bad, "documented tests that did not pass:\n" + "\n".join(bad) + f"\n\n{done.stdout[-6000:]}"


def test_yaml_and_toml_blocks_parse() -> None:
    import tomllib

    import yaml

    broken = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            lang, body = match.group("lang").lower(), match.group("body")
            try:
                if lang in ("yaml", "yml"):
                    yaml.safe_load(body)
                elif lang == "toml":
                    tomllib.loads(body)
            except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
                broken.append(f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: {error}")
    assert not broken, "blocks that do not parse:\n" + "\n".join(broken)


@pytest.mark.parametrize("example", SKIPPED, ids=lambda e: e.id)
def test_example_marked_skip(example: Example) -> None:
    pytest.skip(f"{example.id}: {example.skip}")
