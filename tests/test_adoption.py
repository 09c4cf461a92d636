"""The adoption files work as documented: the GitHub Action's script and the pre-commit hook."""

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

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_action_inputs_and_outputs() -> None:
    assert set(ACTION["inputs"]) >= {"files", "fail-under", "config", "baseline"}
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["outputs"]) == {"sarif", "exit-code"}


def test_action_never_pastes_inputs_into_a_script() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), (
            f"step {step.get('name')} pastes an expression into its script"
        )


def check_step() -> dict:  # type: ignore[type-arg]
    return next(step for step in ACTION["runs"]["steps"] if step.get("id") == "check")


def run_check_step(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """Run the action's check script as GitHub would: inputs in CXAUDIT_* variables."""
    env = {
        **os.environ,
        "CXAUDIT_FILES": ".",
        "CXAUDIT_FAIL_UNDER": "",
        "CXAUDIT_CONFIG": "",
        "CXAUDIT_BASELINE": "",
        "CXAUDIT_SARIF": "cxaudit.sarif",
        **{f"CXAUDIT_{key.upper()}": value for key, value in inputs.items()},
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
    }
    return subprocess.run(
        ["bash", "-e", "-c", check_step()["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("cxaudit") is None, reason="cxaudit is not installed as a command")
@pytest.mark.parametrize(("bot", "code"), [("webshop", 0), ("bank", 1)])
def test_action_check_step_runs_as_github_would(tmp_path: Path, bot: str, code: int) -> None:
    (tmp_path / "bots").mkdir()
    shutil.copy(ROOT / "examples" / f"{bot}.flow.yaml", tmp_path / "bots")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    result = run_check_step(tmp_path, files="bots")
    assert result.returncode == code, result.stderr
    assert output.read_text(encoding="utf-8") == f"exit-code={code}\n"
    assert "Score" in summary.read_text(encoding="utf-8")
    sarif = json.loads((tmp_path / "cxaudit.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert bool(annotations) == (code == 1)
    assert all(re.match(r"::(error|warning|notice)", line) for line in annotations)


def test_pre_commit_hook() -> None:
    (hook,) = HOOKS
    assert hook["id"] == "cxaudit"
    assert hook["entry"].split()[:2] == ["cxaudit", "check"]
    pattern = re.compile(hook["files"])
    assert pattern.search("bots/shop.flow.yaml")
    assert pattern.search("bots/bank.cxaudit.yml")
    assert not pattern.search("docker-compose.yaml")
    assert not pattern.search(".cxaudit.yaml")


@pytest.mark.skipif(shutil.which("cxaudit") is None, reason="cxaudit is not installed as a command")
def test_action_check_step_with_every_input(tmp_path: Path) -> None:
    (tmp_path / "my bots").mkdir()
    shutil.copy(ROOT / "examples" / "bank.flow.yaml", tmp_path / "my bots" / "bank bot.flow.yaml")
    shutil.copy(ROOT / "examples" / "webshop.flow.yaml", tmp_path / "shop.flow.yaml")
    (tmp_path / "cx.yaml").write_text("fail_under: 50\n", encoding="utf-8")
    subprocess.run(
        [
            "cxaudit",
            "baseline",
            "my bots/bank bot.flow.yaml",
            "shop.flow.yaml",
            "-o",
            "base.json",
            "--config",
            "cx.yaml",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    result = run_check_step(
        tmp_path,
        files="my bots/bank bot.flow.yaml\n  shop.flow.yaml  \n\n",
        fail_under="95",
        config="cx.yaml",
        baseline="base.json",
        sarif="out dir.sarif",
    )
    # Both files are checked (one per line, a space in a name), the baseline makes them pass
    # and --fail-under 95 wins over the configuration's 50.
    assert result.returncode == 0, result.stdout + result.stderr
    sarif = json.loads((tmp_path / "out dir.sarif").read_text(encoding="utf-8"))
    score_lines = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "passes at 95" in score_lines or "geslaagd vanaf 95" in score_lines
    assert len(sarif["runs"][0]["results"]) > 0
    assert all(r.get("suppressions") for r in sarif["runs"][0]["results"])
