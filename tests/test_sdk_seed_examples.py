"""Every official-SDK Python example in ../shared/seeds runs against the mock, unchanged except for the base
URL and the key (tests/sdk_seed_examples.txt holds them, de-flattened, with their seed line ranges)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockserver.pytest_plugin import DashScopeMock

HERE = Path(__file__).parent
SEEDS = Path(os.environ.get("DASHSCOPE_SEEDS_DIR", HERE.parent.parent / "shared" / "seeds"))
REGION_URL = re.compile(r"'https://dashscope(?:-intl)?\.aliyuncs\.com/api/v1'")
HEADER = re.compile(r"^### (\S+) L(\d+)-L(\d+)$", re.M)


@dataclass(frozen=True)
class Example:
    """One SDK example and where it sits in the seeds."""

    seed: str
    first: int
    last: int
    code: str

    @property
    def id(self) -> str:
        return f"{self.seed[:3]}-L{self.first}"


def _load() -> list[Example]:
    text = (HERE / "sdk_seed_examples.txt").read_text(encoding="utf-8")
    marks = list(HEADER.finditer(text))
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [Example(m.group(1), int(m.group(2)), int(m.group(3)), text[m.end():end].strip("\n") + "\n")
            for m, end in zip(marks, ends, strict=True)]


EXAMPLES = _load()
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _seed_lines(name: str) -> list[str]:
    return (SEEDS / name).read_text(encoding="utf-8").splitlines()


@needs_seeds
def test_every_sdk_example_in_the_seeds_is_listed() -> None:
    covered = {(e.seed, n) for e in EXAMPLES for n in range(e.first, e.last + 1)}
    missing = [f"{path.name} L{n}" for path in sorted(SEEDS.glob("*.txt"))
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if "from dashscope import" in line and (path.name, n) not in covered]
    assert not missing, f"SDK examples not in tests/sdk_seed_examples.txt: {missing}"


@needs_seeds
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_is_the_seed_text(example: Example) -> None:
    seed = "\n".join(_seed_lines(example.seed)[example.first - 1: example.last])
    assert _squash(example.code) in _squash(seed)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_runs_against_the_mock(example: Example, dashscope_mock: DashScopeMock, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # one example saves its results to the working directory
    code, replaced = REGION_URL.subn(repr(dashscope_mock.base_url), example.code)
    assert replaced <= 1
    exec(compile(code, f"<{example.seed} L{example.first}>", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "Failed" not in out, out
    task_ids = dashscope_mock.task_ids()
    assert task_ids, out
    for task_id in task_ids:
        assert dashscope_mock.status(task_id) == "SUCCEEDED"
        assert dashscope_mock.polls(task_id)[-1].status == "SUCCEEDED"
        dashscope_mock.assert_no_poll_after_terminal(task_id)
    assert dashscope_mock.url in out  # the printed result URL is served by the mock
