"""The contract suite's options, fixtures and reporting hooks.

    pytest contracts                                   # the mock, in process (the default)
    pytest contracts --target mock
    DASHSCOPE_API_KEY=sk-... pytest contracts --target https://dashscope.aliyuncs.com/api/v1 --allow-spend 3
    pytest contracts --replay build/contracts/snapshots   # recorded real answers, no key needed
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .choices import Choices
from .probe import Probe
from .report import progress_line, render, summary_table, write_report
from .session import ContractSession, NoSnapshot, Options, spec_digest
from .spend import SpendLedger
from .target import TargetError, split_base

HERE = Path(__file__).resolve().parent
PROP = "contract"  # the user_properties key that carries a check's record (it crosses xdist workers)


def pytest_addoption(parser: pytest.Parser) -> None:
    """--target, --allow-spend, --replay, --snapshots, --contracts-report, --poll-timeout, --fail-on-drift."""
    group = parser.getgroup("contracts", "DashScope contract suite")
    group.addoption("--target", default=None, metavar="mock|URL",
                    help="mock (default): start the mock in process; or a base URL ending in /api/v1, "
                         "with DASHSCOPE_API_KEY set")
    group.addoption("--allow-spend", type=int, default=None, metavar="N",
                    help="run the paid checks, creating at most N billable tasks on the target (hard cap)")
    group.addoption("--replay", default=None, metavar="DIR",
                    help="answer from the snapshots in DIR instead of a live target (no key needed)")
    group.addoption("--snapshots", default=None, metavar="DIR",
                    help="save redacted target responses here (default for a URL target: REPORT/snapshots)")
    group.addoption("--contracts-report", default=None, metavar="DIR",
                    help="where drift.md and drift.json go (default: build/contracts)")
    group.addoption("--poll-timeout", type=float, default=900.0, metavar="S",
                    help="give up polling a real task after S seconds (default 900)")
    group.addoption("--fail-on-drift", action="store_true",
                    help="exit non-zero when the target differs from the mock")
    group.addoption("--contracts-progress", choices=("auto", "on", "off"), default="auto",
                    help="one line per check and a table at the end (auto: on when --target/--replay given)")


def _options(config: pytest.Config, run_id: str) -> Options:
    report = config.getoption("--contracts-report")
    replay, snapshots = config.getoption("--replay"), config.getoption("--snapshots")
    return Options(target=config.getoption("--target") or "mock",
                   replay=Path(replay).resolve() if replay else None,
                   allow_spend=config.getoption("--allow-spend"),
                   report_dir=Path(report).resolve() if report else config.rootpath / "build" / "contracts",
                   snapshots=Path(snapshots).resolve() if snapshots else None,
                   poll_timeout=config.getoption("--poll-timeout"), run_id=run_id)


class ContractsPlugin:
    """Collects each check's record; in the controlling process, prints progress and writes the report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        worker = getattr(config, "workerinput", None)
        self.is_worker = worker is not None
        run_id = worker.get("contracts_run_id", "solo") if worker is not None else uuid.uuid4().hex[:12]
        self.options = _options(config, run_id)
        explicit = config.getoption("--target") is not None or config.getoption("--replay") is not None
        setting = config.getoption("--contracts-progress")
        self.progress = setting == "on" or (setting == "auto" and explicit)
        self.results: dict[str, dict[str, Any]] = {}
        self.paths: tuple[Path, Path] | None = None
        if self.options.mode == "url":
            try:
                split_base(self.options.target)
            except TargetError as exc:
                raise pytest.UsageError(str(exc)) from exc
            if not os.environ.get("DASHSCOPE_API_KEY") and not self.is_worker:
                raise pytest.UsageError("--target with a URL needs DASHSCOPE_API_KEY in the environment")

    # ---- collection (every process that runs tests) --------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Tag the contract checks; skip the paid ones when nothing may be spent."""
        limit = self.options.spend_limit
        for item in items:
            if not item.path.is_relative_to(HERE):
                continue
            paid = item.get_closest_marker("paid") is not None
            item.user_properties.append((PROP, {"kind": "paid" if paid else "free"}))
            if paid and limit == 0:
                why = ("--allow-spend 0" if self.options.allow_spend == 0 else
                       "a paid check: pass --allow-spend N to run it (N caps the tasks it may create)")
                item.add_marker(pytest.mark.skip(reason=why))

    # ---- reporting (the controlling process) -----------------------------------------------------

    def _header(self) -> str:
        o = self.options
        if o.mode == "mock":
            target, against = "the mock, in process (faithful profile, frozen clock)", "the spec"
        else:
            target = f"replay of {o.replay}" if o.mode == "replay" else o.target
            against = "the spec and the mock (in process)"
        limit = o.spend_limit
        if o.mode == "replay":
            paid = "replayed where recorded"
        elif limit is None:
            paid = "run (nothing is billed on the mock)"
        else:
            paid = f"at most {limit} paid tasks" if limit else "skipped (no --allow-spend)"
        return f"contract suite: target {target}; compared with {against}; paid checks {paid}"

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """With progress on, say what is being checked against what."""
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        if not self.is_worker and self.progress and tr is not None:
            tr.write_line(self._header())

    @staticmethod
    def _prop(report: pytest.TestReport) -> dict[str, Any] | None:
        for key, value in report.user_properties:
            if key == PROP and isinstance(value, dict):
                return dict(value)
        return None

    @staticmethod
    def _reason(report: pytest.TestReport) -> str:
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            return str(longrepr[2]).removeprefix("Skipped: ")
        crash = getattr(longrepr, "reprcrash", None)
        message = (getattr(crash, "message", None) or str(longrepr or "")).strip()
        first = message.splitlines()[0] if message else ""
        return re.sub(r"^[\w.]+(Error|Violation|Exception|Diverged|Reached): ", "", first)

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str] | None:
        """With progress on, a check's own line replaces pytest's dot."""
        if not self.progress or self._prop(report) is None:
            return None
        if report.when == "call" or report.outcome != "passed":
            category = "error" if report.failed and report.when != "call" else report.outcome
            return category, "", category.upper()
        return "", "", ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Merge a check's phases into its record; print its line when it is done."""
        if self.is_worker:
            return
        prop = self._prop(report)
        if prop is None:
            return
        record = self.results.setdefault(report.nodeid, {"id": report.nodeid, "outcome": "passed"})
        if report.when == "setup" and report.outcome != "passed":
            record["outcome"] = "skipped" if report.skipped else "error"
            record["reason"] = self._reason(report)
        elif report.when == "call":
            record["outcome"] = report.outcome
            record["duration"] = round(report.duration, 3)
            if not report.passed:
                record["reason"] = self._reason(report)
        elif report.when == "teardown":
            record.update(prop)
            if report.failed:
                record["outcome"], record["reason"] = "error", self._reason(report)
            if self.progress:
                tr = self.config.pluginmanager.get_plugin("terminalreporter")
                if tr is not None:
                    tr.ensure_newline()
                    tr.write(render(progress_line(record), tr._tw.fullwidth, tr.hasmarkup))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write drift.md and drift.json; with --fail-on-drift, differences from the mock fail the run."""
        if self.is_worker or not self.results:
            return
        o = self.options
        ledger = SpendLedger(o.ledger_path, o.spend_limit)
        spend = ledger.summary()
        ledger.path.unlink(missing_ok=True)
        checks = list(self.results.values())
        label = next((c["target"] for c in checks if c.get("target")), o.replay or o.target)
        compared = ("the spec only (the target is the mock)" if o.mode == "mock" else
                    "the spec and the mock (in-process, faithful profile)")
        meta = {"target": str(label), "mode": o.mode, "reference": compared,
                "reference_kind": "spec" if o.mode == "mock" else "mock",
                "spec": f"openapi/dashscope.yaml sha256:{spec_digest()}",
                "finished": time.strftime("%Y-%m-%d %H:%M:%S %z"), "spend": spend,
                "snapshots": str(o.snapshot_dir) if o.snapshot_dir else None,
                "secrets": [k for k in [os.environ.get("DASHSCOPE_API_KEY")] if k]}
        self.paths = write_report(o.report_dir, meta, checks)
        drift = sum(1 for c in checks for d in c.get("drifts", []) if d["against"] == "mock")
        if self.config.getoption("--fail-on-drift") and drift and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """The summary table (or, inside a wider run, one line) and where the report is."""
        if self.is_worker or not self.results:
            return
        checks = list(self.results.values())
        drifts = [d for c in checks for d in c.get("drifts", [])]
        where = f"drift report: {self.paths[0]} (and drift.json)" if self.paths else "no drift report written"
        if self.progress:
            tr = terminalreporter
            tr.section("contract suite")
            tr.write(render(summary_table(checks), tr._tw.fullwidth, tr.hasmarkup))
            tr.write_line(f"{len(drifts)} differences; {where}")
        else:
            outcomes: dict[str, int] = {}
            for c in checks:
                outcomes[c["outcome"]] = outcomes.get(c["outcome"], 0) + 1
            counts = ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
            terminalreporter.write_line(f"contracts: {len(checks)} checks ({counts}), {len(drifts)} differences; "
                                        f"{where}")


class _XdistHooks:
    """Hands the run id to the workers, so they share one spend ledger."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id

    def pytest_configure_node(self, node: Any) -> None:
        """xdist: called for each worker before it starts."""
        node.workerinput["contracts_run_id"] = self.run_id


def pytest_configure(config: pytest.Config) -> None:
    """Register the `paid` marker and the plugin."""
    config.addinivalue_line("markers", "paid: creates billable tasks on the target; needs --allow-spend N")
    plugin = ContractsPlugin(config)
    config.pluginmanager.register(plugin, "dashscope-contracts")
    if config.pluginmanager.hasplugin("xdist") and not plugin.is_worker:
        config.pluginmanager.register(_XdistHooks(plugin.options.run_id), "dashscope-contracts-xdist")


@pytest.fixture(scope="session")
def contract_session(pytestconfig: pytest.Config) -> Iterator[ContractSession]:
    """The endpoints, validator, choices and ledger of this process's share of the run."""
    plugin = pytestconfig.pluginmanager.get_plugin("dashscope-contracts")
    assert isinstance(plugin, ContractsPlugin)
    try:
        session = ContractSession(plugin.options)
    except TargetError as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)
    yield session
    session.close()


@pytest.fixture
def choices(contract_session: ContractSession) -> Choices:
    """Which models and bodies the checks send."""
    return contract_session.choices


@pytest.fixture
def probe(request: pytest.FixtureRequest, contract_session: ContractSession) -> Iterator[Probe]:
    """A probe for this check; its record goes into the check's user_properties at teardown."""
    item = request.node
    prop = next(v for k, v in item.user_properties if k == PROP)
    try:
        p = contract_session.probe(item.nodeid, prop["kind"])
    except NoSnapshot as exc:
        pytest.skip(str(exc))
    yield p
    prop.update(contract_session.finish(p))
    prop["target"] = contract_session.target.label
