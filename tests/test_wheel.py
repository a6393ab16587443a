"""The built wheel, installed (not editable) into a fresh venv outside the repository, works as a user gets it.

Builds the sdist and, from it, the wheel (so MANIFEST.in and the setup.py spec copy are both exercised),
installs the wheel with its `[sdk]` extra and pytest into a new venv under the test's tmp dir, pinned by
constraints.txt, and runs there: `dashscope-mock --version`, `dashscope-mock serve` until the health endpoint
answers, and the README's complete pytest example, read from README.md at test time.

Dependencies come from a wheelhouse under build/ (filled from the package index the first time, or when
constraints.txt names a version it lacks), so later runs install offline.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

import yaml

from mockserver.testing import free_port
from tests.health import served

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
WHEELHOUSE = ROOT / "build" / "wheelhouse"
PIP = [sys.executable, "-m", "pip"]
PIP_QUIET = ["--quiet", "--disable-pip-version-check", "--no-input"]


# the official SDK uploads an 8 MiB photo (file://) to a served twin, as issue 19 found dropped before
UPLOAD_8MB = """
import pathlib
from dashscope import VideoSynthesis
from mockserver.testing import MockServer, payloads
pathlib.Path("photo.jpg").write_bytes(payloads.image(8 << 20, max_side=1990))
with MockServer(frozen=True, log_requests=False) as twin:
    twin.activate()
    rsp = VideoSynthesis.async_call(model="wan2.2-i2v-flash", prompt="a cat", img_url="file://./photo.jpg",
                                    resolution="480P")
    print(rsp.status_code, rsp.output.task_status)
"""


def _run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    """Run `cmd`, failing the test with its output when it exits non-zero."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (load-independent, unlike wall time)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _user_env(venv: Path) -> dict[str, str]:
    """The environment of a user whose shell has `venv` activated: nothing of this repo's venv or test run."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    env = {k: v for k, v in os.environ.items()
           if k not in drop and not k.startswith(("PYTEST_", "DASHSCOPE_", "COV_CORE"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _readme_examples() -> dict[str, str]:
    """The README's runnable pytest examples: fenced python blocks that open with `# test_<name>.py`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for block in re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M):
        named = re.match(r"# (test_\w+\.py)\b", block)
        if named and "dashscope_mock" in block:
            found[named.group(1)] = block
    return found


def _build(out: Path) -> Path:
    """Build the sdist and, from it, the wheel; return the wheel."""
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)])
    (wheel,) = out.glob("dashscope_mock-*.whl")
    return wheel


def _install(venv: Path, wheel: Path) -> None:
    """Install `wheel[sdk]` and pytest into `venv` from the wheelhouse, filling it first when it falls short."""
    target = [f"{wheel}[sdk]", "pytest", "-c", str(CONSTRAINTS)]
    offline = [*PIP, "--python", str(venv / "bin" / "python"), "install", *PIP_QUIET, "--no-compile",
               "--no-index", "--find-links", str(WHEELHOUSE), *target]
    if WHEELHOUSE.is_dir() and subprocess.run(offline, capture_output=True, check=False).returncode == 0:
        return
    _run([*PIP, "wheel", *PIP_QUIET, "--wheel-dir", str(WHEELHOUSE), *target])
    for own in WHEELHOUSE.glob("dashscope_mock-*"):  # the package under test always comes from this build
        own.unlink()
    _run(offline)


def _serve_until_healthy(venv: Path, cwd: Path, log: Path) -> None:
    """`dashscope-mock serve` on a free port: wait for /__mock/health to answer 200, then SIGTERM it."""
    port = free_port()
    with served([str(venv / "bin" / "dashscope-mock"), "serve", "--port", str(port)], f"http://127.0.0.1:{port}",
                log, cwd=cwd, env=_user_env(venv)):
        pass


def test_readme_has_one_runnable_fixture_example() -> None:
    examples = _readme_examples()
    assert len(examples) == 1, sorted(examples)
    (block,) = examples.values()
    assert re.search(r"^def test_\w+\(dashscope_mock\)", block, flags=re.M), block


def test_wheel_installs_and_runs_outside_the_repository(tmp_path: Path) -> None:
    timings: dict[str, tuple[float, float]] = {}  # phase: (wall s, CPU s of this process and its children)
    mark = (time.monotonic(), _cpu())

    def lap(name: str) -> None:
        nonlocal mark
        now = (time.monotonic(), _cpu())
        timings[name] = (round(now[0] - mark[0], 1), round(now[1] - mark[1], 1))
        mark = now

    wheel = _build(tmp_path / "dist")
    lap("build")
    (sdist,) = (tmp_path / "dist").glob("dashscope_mock-*.tar.gz")
    with tarfile.open(sdist) as archive:
        shipped = {name.split("/", 1)[-1] for name in archive.getnames()}
    assert {"LICENSE", "CHANGELOG.md", "mkdocs.yml", "Dockerfile", "docs/index.md", "docs/board.png"} <= shipped
    with zipfile.ZipFile(wheel) as archive:
        assert any(name.endswith(".dist-info/licenses/LICENSE") for name in archive.namelist())
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    _install(venv, wheel)
    lap("venv+install")

    project = tmp_path / "project"
    project.mkdir()
    env = _user_env(venv)
    python = str(venv / "bin" / "python")

    where = _run([python, "-c", "import mockserver, pathlib, sysconfig; "
                  "print(pathlib.Path(mockserver.__file__).parent); print(sysconfig.get_paths()['purelib'])"],
                 cwd=project, env=env).stdout.split()
    package, site = Path(where[0]), where[1]
    assert package.parent == Path(site), f"mockserver imported from {package}, not from the venv's {site}"
    packaged_spec = package / "openapi" / "dashscope.yaml"
    assert packaged_spec.read_bytes() == (ROOT / "openapi" / "dashscope.yaml").read_bytes()
    # the pre-parsed copy serves the load: the same document, and nothing parsed into an empty per-user cache
    cache_dir = tmp_path / "user-cache"
    loaded = _run([python, "-c", "import json; from mockserver.spec.document import load_document; "
                   "print(json.dumps(load_document()))"],
                  cwd=project, env={**env, "DASHSCOPE_MOCK_CACHE_DIR": str(cache_dir)}).stdout
    assert json.loads(loaded) == yaml.safe_load(packaged_spec.read_bytes())
    assert (package / "openapi" / "dashscope.json").is_file() and not cache_dir.exists()
    assert (package / "py.typed").is_file() and (Path(site) / "clients" / "py.typed").is_file()

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    shown = _run([str(venv / "bin" / "dashscope-mock"), "--version"], cwd=project, env=env).stdout
    assert shown == f"dashscope-mock {version}\n"
    lap("checks")

    _serve_until_healthy(venv, project, tmp_path / "serve.log")
    lap("serve")

    (name, block), = _readme_examples().items()
    (project / name).write_text(block, encoding="utf-8")
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    tests = len(re.findall(r"^def test_", block, flags=re.M))
    run = subprocess.run([str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", name],
                         cwd=project, env=env, capture_output=True, text=True, check=False)
    lap("readme example")
    assert run.returncode == 0 and f"{tests} passed" in run.stdout, f"{run.stdout}\n{run.stderr}"

    uploaded = _run([python, "-c", UPLOAD_8MB], cwd=project, env=env).stdout
    lap("8 MB SDK upload")
    assert uploaded.strip() == "200 PENDING", uploaded
    print(f"wheel test phases (wall s, CPU s): {timings}")
