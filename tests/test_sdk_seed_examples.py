"""Every official-SDK Python example in the vendor docs (read at run time from DASHSCOPE_DOCS_DIR) runs against
the mock, unchanged except for the base URL and the key; skipped when the docs are absent."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mockserver.pytest_plugin import DashScopeMock
from tests.spec.sdk_examples import ANCHOR, Example, restore, sdk_examples
from tests.spec.seeds import docs_params, require_docs, seed_files

REGION_URL = re.compile(r"'https://dashscope(?:-intl)?\.aliyuncs\.com/api/v1'")
EXAMPLES = sdk_examples()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_line_importing_dashscope_is_in_a_runnable_example() -> None:
    require_docs()
    spans = {(e.seed, n) for e in EXAMPLES for n in range(e.first, e.last + 1)}
    anchors = [(path.name, n) for path in seed_files()
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ANCHOR in line]
    assert anchors
    assert [a for a in anchors if a not in spans] == []
    for example in EXAMPLES:
        compile(example.code, example.id, "exec")


@pytest.mark.parametrize("example", docs_params(EXAMPLES, lambda e: e.id))
def test_example_is_the_docs_text(example: Example) -> None:
    lines = (require_docs() / example.seed).read_text(encoding="utf-8").splitlines()
    # restoring the layout adds line breaks and indentation only; the docs may glue prose after the last line
    assert _squash("\n".join(lines[example.first - 1: example.last])).startswith(_squash(example.code))


@pytest.mark.parametrize("example", docs_params(EXAMPLES, lambda e: e.id))
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


# The restorer on made-up snippets in the two broken layouts the docs use; these run without the docs.

def test_restore_splits_glued_statements_and_keeps_their_indentation() -> None:
    glued = ["import osfrom http import HTTPStatusimport json",
             "# first note# second note{x}def f(a):",
             "    return a",
             "r = f(1,",
             "      2)print(r)if r:",
             "    for k in [r]:",
             "        print(k)else:",
             "    print('no')"]
    assert restore(glued) == ("import os\nfrom http import HTTPStatus\nimport json\n"
                              "# first note\n# second note{x}\ndef f(a):\n    return a\n"
                              "r = f(1,\n      2)\nprint(r)\nif r:\n    for k in [r]:\n        print(k)\n"
                              "else:\n    print('no')\n")


def test_restore_reindents_code_that_lost_its_indentation() -> None:
    flat = ["import os", "def f(path):", "# a comment", "if not path:", "raise ValueError('x')",
            "with open(path) as fh:", "data = fh.read()", "return data", "def main():",
            "r = f(os.getcwd(),", ")", "if r:", "print('#', r)", "else:", "print('none')", "print('done')",
            '"""', "a docstring: line", '"""', "if __name__ == '__main__':", "main()"]
    code = restore(flat)
    assert code == ("import os\ndef f(path):\n    # a comment\n    if not path:\n        raise ValueError('x')\n"
                    "    with open(path) as fh:\n        data = fh.read()\n    return data\ndef main():\n"
                    "    r = f(os.getcwd(),\n        )\n    if r:\n        print('#', r)\n    else:\n"
                    "        print('none')\n    print('done')\n"
                    '    """\na docstring: line\n"""\n'
                    "if __name__ == '__main__':\n    main()\n")
    ast.parse(code)


def test_restore_drops_prose_glued_after_the_last_statement() -> None:
    assert restore(["def main():", "print('x')", "if __name__ == '__main__':", "main()→ next"]) == (
        "def main():\n    print('x')\nif __name__ == '__main__':\n    main()\n")
