"""Many files: files as given, folders searched, globs expanded; one report, one exit code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxaudit.cli import app
from cxaudit.discover import expand
from tests.conftest import ROOT

GOOD = (ROOT / "tests" / "fixtures" / "good.flow.yaml").read_text(encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    bots = tmp_path / "bots"
    (bots / "nl").mkdir(parents=True)
    (bots / ".hidden").mkdir()
    (bots / "node_modules").mkdir()
    (bots / "a.flow.yaml").write_text(GOOD, encoding="utf-8")
    (bots / "nl" / "b.cxaudit.yaml").write_text(GOOD, encoding="utf-8")
    (bots / "nl" / "plain.yaml").write_text(
        "# a bot without a special name\n" + GOOD, encoding="utf-8"
    )
    (bots / "nl" / "other.yaml").write_text("name: not a flow\n", encoding="utf-8")
    (bots / ".cxaudit.yaml").write_text("fail_under: 80\n", encoding="utf-8")
    (bots / ".hidden" / "c.flow.yaml").write_text(GOOD, encoding="utf-8")
    (bots / "node_modules" / "d.flow.yaml").write_text(GOOD, encoding="utf-8")
    return tmp_path


def names(found: list[tuple[Path, str]]) -> list[str]:
    return [display for _, display in found]


def test_a_folder_is_searched_for_flow_files(tree: Path) -> None:
    found, problems = expand(["bots"])
    assert names(found) == ["bots/a.flow.yaml", "bots/nl/b.cxaudit.yaml", "bots/nl/plain.yaml"]
    assert problems == []


def test_bot_projects_in_a_folder_are_checked_as_bots_not_searched(tree: Path) -> None:
    rasa = tree / "bots" / "rasa"
    (rasa / "data").mkdir(parents=True)
    (rasa / "domain.yml").write_text("version: '3.1'\n", encoding="utf-8")
    (rasa / "data" / "x.flow.yaml").write_text(GOOD, encoding="utf-8")  # inside: not searched
    found, problems = expand(["bots"])
    assert names(found) == [
        "bots/rasa",
        "bots/a.flow.yaml",
        "bots/nl/b.cxaudit.yaml",
        "bots/nl/plain.yaml",
    ]
    assert problems == []


def test_globs_and_duplicates(tree: Path) -> None:
    found, problems = expand(["bots/**/*.yaml", "bots/a.flow.yaml"])
    # A glob matches as the shell would (hidden folders not, other folders yes), then keeps the
    # flow files, as a folder search does (not other.yaml, not the configuration); each file once.
    assert names(found) == [
        "bots/a.flow.yaml",
        "bots/nl/b.cxaudit.yaml",
        "bots/nl/plain.yaml",
        "bots/node_modules/d.flow.yaml",
    ]
    assert problems == []


def test_nothing_found(tree: Path) -> None:
    (tree / "empty").mkdir()
    found, problems = expand(["empty", "nope/*.yaml"])
    assert found == []
    assert [(p.path, p.message.split(" (")[0]) for p in problems] == [
        ("empty", "no flow files or bot projects in this folder"),
        ("nope/*.yaml", "no flow file matches this pattern"),
    ]


def test_a_missing_file_is_passed_on_to_be_reported(tree: Path) -> None:
    found, problems = expand(["missing.flow.yaml"])
    assert names(found) == ["missing.flow.yaml"]
    assert problems == []


def test_one_report_for_a_folder_with_a_summary(tree: Path) -> None:
    result = CliRunner().invoke(app, ["check", "bots", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "3 file(s): 3 passed, 0 failed, 0 not checked (input errors)." in result.output


def test_an_empty_folder_is_an_input_error(tree: Path) -> None:
    (tree / "empty").mkdir()
    result = CliRunner().invoke(app, ["check", "empty", "bots", "--lang", "en"])
    assert result.exit_code == 2
    assert "empty: error: no flow files or bot projects in this folder" in result.output + str(
        getattr(result, "stderr", "")
    )


def test_ci_files_and_pipes_are_not_flow_files(tree: Path) -> None:
    (tree / "bots" / ".gitlab-ci.yml").write_text(
        "cxaudit:\n  image: python:3.12\n", encoding="utf-8"
    )
    (tree / "bots" / "job.yaml").write_text(
        "cxaudit:\n  script: [cxaudit check .]\n", encoding="utf-8"
    )
    os.mkfifo(tree / "bots" / "notes.flow.yaml")
    found, _ = expand(["bots"])
    assert names(found) == ["bots/a.flow.yaml", "bots/nl/b.cxaudit.yaml", "bots/nl/plain.yaml"]
    result = CliRunner().invoke(app, ["check", "bots/notes.flow.yaml"])
    assert result.exit_code == 2
    assert "is not a regular file" in result.output + str(getattr(result, "stderr", ""))


def test_an_empty_argument_is_refused(tree: Path) -> None:
    found, problems = expand([""])
    assert found == []
    assert [p.message for p in problems] == ["an empty file name"]
