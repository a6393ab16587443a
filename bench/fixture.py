"""What the pytest plugin costs a user's suite: when unused, per test with `dashscope_mock`, per test with
`dashscope_mock_shared`. Medians of alternating rounds, each figure beside a baseline from the same run.

    python -m bench.fixture              (BENCH_ROUNDS=9 for more rounds; default 7)

It writes a throwaway project of 200 tests three times over (plain tests; tests asking for `dashscope_mock`;
tests asking for `dashscope_mock_shared`) and a conftest that times each test's setup and teardown phases in CPU
time of the process (`time.process_time`): on a shared machine wall time mostly measures the neighbours.

| figure | baseline in the same run |
|---|---|
| CPU time of `pytest` over the 200 plain tests, plugin installed | the same run with `-p no:dashscope_mock` |
| per-test setup+teardown (CPU) of a `dashscope_mock` test (tests 21-200: a warm process) | a plain test's, same run |
| per-test setup+teardown of a `dashscope_mock_shared` test | a plain test's, same run |
| wall time of `import mockserver.pytest_plugin` after pytest (median of fresh processes) | reported |
| the first fixture use in a process (imports, the spec, the socket) | reported |
| modules the plugin adds to a run that does not use it | reported (must be the plugin and the package) |
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
TESTS = 200
WARM = 20  # the first tests of a process pay the imports and the spec load: per-test figures skip them

CONFTEST = '''
import json, os, time
import pytest

_TIMES = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    t = time.process_time()
    try:
        return (yield)
    finally:
        _TIMES[item.nodeid] = time.process_time() - t


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    t = time.process_time()
    try:
        return (yield)
    finally:
        _TIMES[item.nodeid] += time.process_time() - t


def pytest_sessionfinish(session):
    out = os.environ.get("FIXTURE_BENCH_OUT")
    if out:
        with open(out, "w") as f:
            json.dump(_TIMES, f)
'''


def write_project(root: Path) -> None:
    """The throwaway suite: 200 plain tests, 200 using `dashscope_mock`, 200 using `dashscope_mock_shared`."""
    (root / "conftest.py").write_text(CONFTEST)
    (root / "pytest.ini").write_text("[pytest]\n")  # no rootdir search past the project
    for name, arg in (("plain", ""), ("fresh", "dashscope_mock"), ("shared", "dashscope_mock_shared")):
        body = "".join(f"def test_{i}({arg}):\n    assert True\n\n\n" for i in range(TESTS))
        (root / f"test_{name}.py").write_text(body)


def run(root: Path, target: str, *extra: str) -> tuple[float, dict[str, float]]:
    """(CPU seconds, per-test setup+teardown seconds) of one pytest process over `target`.

    CPU time (user + system) of the child rather than wall time: on a shared machine the wall time of a
    half-second process swings by more than the difference measured here."""
    out = root / "times.json"
    env = {**os.environ, "FIXTURE_BENCH_OUT": str(out)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode is written once, as in a user's checkout
    env.pop("PYTEST_ADDOPTS", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                    target, *extra], cwd=root, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    times: dict[str, float] = json.loads(out.read_text())
    return cpu, times


def per_test(times: dict[str, float]) -> list[float]:
    """Setup+teardown per test, in test order, skipping the first WARM tests."""
    ordered = sorted(times.items(), key=lambda kv: int(kv[0].rsplit("_", 1)[1]))
    return [v for _, v in ordered[WARM:]]


def import_ms(rounds: int) -> float:
    """Median wall time of `import mockserver.pytest_plugin` in a fresh process that already imported pytest: the
    plugin's whole cost to a run that never asks for its fixtures, measured without the run's noise."""
    code = ("import time, pytest; t = time.perf_counter(); import mockserver.pytest_plugin; "
            "print(time.perf_counter() - t)")
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(max(rounds, 5))]
    return statistics.median(times) * 1000


def added_modules() -> list[str]:
    """The modules importing the plugin adds to a process that already has pytest."""
    code = ("import sys, pytest; before = set(sys.modules); import mockserver.pytest_plugin; "
            "print('\\n'.join(sorted(set(sys.modules) - before)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def measure(rounds: int = ROUNDS) -> dict[str, Any]:
    """Every figure of the table above, as medians over `rounds` alternating rounds."""
    walls: dict[str, list[float]] = {"off": [], "on": []}
    fresh: list[float] = []
    shared: list[float] = []
    plain: list[float] = []
    first: list[float] = []
    with tempfile.TemporaryDirectory(prefix="fixture-bench-") as folder:
        root = Path(folder)
        write_project(root)
        run(root, "test_plain.py")  # bytecode written once, outside the timed rounds
        for _ in range(rounds):
            walls["off"].append(run(root, "test_plain.py", "-p", "no:dashscope_mock")[0])
            wall, times = run(root, "test_plain.py")
            walls["on"].append(wall)
            plain.append(statistics.median(per_test(times)))
            _, times = run(root, "test_fresh.py")
            fresh.append(statistics.median(per_test(times)))
            first.append(times["test_fresh.py::test_0"])
            _, times = run(root, "test_shared.py")
            shared.append(statistics.median(per_test(times)))
    off, on = statistics.median(walls["off"]), statistics.median(walls["on"])
    base = statistics.median(plain)
    return {
        "rounds": rounds,
        "tests": TESTS,
        "unused_run_s": {"plugin_disabled": off, "plugin_installed": on, "added_ms": (on - off) * 1000},
        "plugin_import_ms": import_ms(rounds),
        "plain_test_ms": base * 1000,
        "dashscope_mock_ms": {"median": statistics.median(fresh) * 1000,
                              "added": (statistics.median(fresh) - base) * 1000},
        "dashscope_mock_shared_ms": {"median": statistics.median(shared) * 1000,
                                     "added": (statistics.median(shared) - base) * 1000},
        "first_use_ms": statistics.median(first) * 1000,
        "modules_added_when_unused": added_modules(),
    }


def report(figures: dict[str, Any]) -> str:
    """The figures as the Markdown lines docs/fixture.md quotes."""
    u = figures["unused_run_s"]
    return "\n".join([
        f"rounds: {figures['rounds']}, {figures['tests']} tests per run, medians",
        f"run without the fixture (CPU): {u['plugin_disabled'] * 1000:.0f} ms with -p no:dashscope_mock, "
        f"{u['plugin_installed'] * 1000:.0f} ms with the plugin: {u['added_ms']:+.1f} ms",
        f"importing the plugin (all it does in a run that does not use it): {figures['plugin_import_ms']:.2f} ms",
        f"per test (setup+teardown, warm): plain {figures['plain_test_ms']:.3f} ms; "
        f"dashscope_mock {figures['dashscope_mock_ms']['median']:.3f} ms "
        f"({figures['dashscope_mock_ms']['added']:+.3f} ms); "
        f"dashscope_mock_shared {figures['dashscope_mock_shared_ms']['median']:.3f} ms "
        f"({figures['dashscope_mock_shared_ms']['added']:+.3f} ms)",
        f"first fixture use in a process: {figures['first_use_ms']:.0f} ms",
        f"modules the plugin adds when unused: {', '.join(figures['modules_added_when_unused'])}",
    ])


def main() -> None:
    """Print the figures (and the JSON with --json)."""
    figures = measure()
    print(json.dumps(figures, indent=2) if "--json" in sys.argv else report(figures))


if __name__ == "__main__":
    main()
