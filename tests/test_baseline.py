"""Baselines: today's findings accepted by fingerprint; new ones fail; gone ones are listed as fixed."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxaudit.baseline import read_baseline
from cxaudit.cli import app
from cxaudit.diagnostics import InputError
from tests.conftest import ROOT

BANK = (ROOT / "examples" / "bank.flow.yaml").read_text(encoding="utf-8")


@pytest.fixture
def project(workdir: Path) -> Path:
    (workdir / "bots" / "bank.flow.yaml").write_text(BANK, encoding="utf-8")
    return workdir


def invoke(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["check", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_a_baseline_taken_today_makes_the_gate_pass_and_a_new_violation_fails_it(
    project: Path,
) -> None:
    runner = CliRunner()
    assert invoke("bots")[0] == 1  # the bank fails as it is
    taken = runner.invoke(app, ["baseline", "bots", "-o", "baseline.json"])
    assert taken.exit_code == 0, taken.output
    assert "Recorded 18 finding(s) in 1 file(s) to baseline.json" in taken.stdout

    code, report = invoke("bots", "--baseline", "baseline.json")
    assert code == 0
    file_report = report["files"][0]
    assert file_report["passed"] is True
    assert file_report["score"] == 100.0
    assert report["summary"]["baselined"] == 18
    assert file_report["baseline"] == {
        "path": "baseline.json",
        "recorded_score": 32.6,
        "score_without_baseline": 32.6,
        "change": 0.0,
        "fixed": [],
    }
    assert {f["suppression"]["kind"] for f in file_report["findings"]} == {"baseline"}

    # Edits elsewhere in the file (lines move) keep the baseline valid.
    flow = project / "bots" / "bank.flow.yaml"
    flow.write_text("# a comment on top\n\n" + flow.read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke("bots", "--baseline", "baseline.json")[0] == 0

    # A new violation fails the gate again; only it counts.
    text = flow.read_text(encoding="utf-8").replace(
        "nl: Een betaalrekening opent u", "nl: Ik leef met u mee. Een betaalrekening opent u", 1
    )
    assert "Ik leef met u mee" in text
    flow.write_text(text, encoding="utf-8")
    code, report = invoke("bots", "--baseline", "baseline.json")
    assert code == 1
    counting = [f for f in report["files"][0]["findings"] if f["suppression"] is None]
    assert [(f["rule"], f["check"]) for f in counting] == [("CX10", "feigned-empathy")]


def test_fixed_findings_are_listed_and_the_score_change_shown(project: Path) -> None:
    CliRunner().invoke(app, ["baseline", "bots", "-o", "baseline.json"])
    flow = project / "bots" / "bank.flow.yaml"
    text = flow.read_text(encoding="utf-8")
    assert "Ik begrijp hoe frustrerend dit voor u moet zijn." in text
    text = text.replace("Ik begrijp hoe frustrerend dit voor u moet zijn. ", "")
    text = text.replace("I understand how frustrating this must be for you. ", "")
    flow.write_text(text, encoding="utf-8")
    code, report = invoke("bots", "--baseline", "baseline.json")
    baseline = report["files"][0]["baseline"]
    assert code == 0
    # One finding (the Dutch and English text of one line): one entry, fixed.
    assert [(e["rule"], e["check"]) for e in baseline["fixed"]] == [("CX10", "feigned-empathy")]
    assert baseline["recorded_score"] == 32.6
    assert baseline["score_without_baseline"] > 32.6
    assert baseline["change"] == round(baseline["score_without_baseline"] - 32.6, 1)
    terminal = (
        CliRunner()
        .invoke(app, ["check", "bots", "--baseline", "baseline.json", "--lang", "en"])
        .output
    )
    assert "Fixed since the baseline (1)" in terminal
    assert "Baseline baseline.json: 32.6 when taken" in terminal


def test_a_fingerprint_recorded_once_covers_one_finding(project: Path) -> None:
    flow = project / "bots" / "bank.flow.yaml"
    CliRunner().invoke(app, ["baseline", "bots", "-o", "baseline.json"])
    data = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    entries = data["files"]["bots/bank.flow.yaml"]["findings"]
    keys = {"fingerprint", "rule", "check", "step", "message"}
    assert all(keys <= set(e) <= keys | {"parts"} for e in entries)
    # A finding that stands for several places records each place's own print.
    loop = next(e for e in entries if e["check"] == "fallback-loops")
    assert len(loop["parts"]) == 20
    assert all("line" not in json.dumps(e) for e in entries)
    # Drop one recorded entry: that finding is new again.
    dropped = entries.pop(0)
    (project / "baseline.json").write_text(json.dumps(data), encoding="utf-8")
    code, report = invoke("bots", "--baseline", "baseline.json")
    counting = [f for f in report["files"][0]["findings"] if f["suppression"] is None]
    assert [f["fingerprint"] for f in counting] == [dropped["fingerprint"]]
    assert code == 1
    assert flow.exists()


def test_baseline_is_not_written_when_a_file_cannot_be_read(project: Path) -> None:
    (project / "bots" / "broken.flow.yaml").write_text(
        "cxaudit: 1\nbot: {nam: x}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["baseline", "bots", "-o", "baseline.json"])
    assert result.exit_code == 2
    assert not (project / "baseline.json").exists()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such baseline file"),
        ("{not json", "not a JSON baseline"),
        ('{"format": 9, "files": {}}', "not a cxaudit baseline"),
        ('{"format": 1, "files": {"a.yaml": {"findings": []}}}', "a baseline entry is malformed"),
        # Numbers, nesting and texts no baseline holds: exit 2, never a traceback or NaN.
        ('{"format": 2, "files": {"a": {"score": NaN, "findings": []}}}', "'NaN' is no number"),
        ('{"format": 2, "files": {"a": {"score": 1e400, "findings": []}}}', "is too large"),
        ('{"format": 2, "x": ' + "9" * 5001 + "}", "a number of 5001 digits"),
        ('{"format": 2, "files": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deep"),
        ('{"format": 1, "files": {"a": {"score": 101, "findings": []}}}', "not between 0 and 100"),
        (
            '{"format": 1, "files": {"a": {"score": 50, "findings": [{"fingerprint": "f", '
            '"rule": "CX01", "check": "c", "message": "m", "step": ["x"]}]}}}',
            "where a text belongs",
        ),
        (
            '{"format": 1, "files": {"a": {"score": 50, "findings": [{"fingerprint": "f", '
            '"rule": "CX01", "check": "c", "message": "\\ud800"}]}}}',
            "lone surrogate",
        ),
        # A baseline's ids reach every report: no markup or workflow command may hide in them.
        (
            '{"format": 1, "files": {"a": {"score": 50, "findings": [{"fingerprint": "f", '
            '"rule": "::warning::x", "check": "c", "message": "m"}]}}}',
            "a finding's rule is not an id",
        ),
    ],
)
def test_bad_baseline_files_are_input_errors(
    tmp_path: Path, content: str | None, fragment: str
) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_baseline(path, "baseline.json")
    assert fragment in caught.value.diagnostics[0].message
    result = CliRunner().invoke(
        app, ["check", str(ROOT / "examples" / "webshop.flow.yaml"), "--baseline", str(path)]
    )
    assert result.exit_code == 2


def test_a_baseline_kept_in_another_folder_survives_moving_the_checkout(
    project: Path, tmp_path: Path
) -> None:
    (project / "ci").mkdir()
    assert CliRunner().invoke(app, ["baseline", "bots", "-o", "ci/baseline.json"]).exit_code == 0
    data = json.loads((project / "ci" / "baseline.json").read_text(encoding="utf-8"))
    assert list(data["files"]) == ["../bots/bank.flow.yaml"]
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(project, moved)
    os.chdir(moved)
    code, report = invoke("bots", "--baseline", "ci/baseline.json")
    assert code == 0
    assert report["summary"]["baselined"] == 18


def test_a_baseline_for_other_files_says_so(project: Path) -> None:
    (project / "other.flow.yaml").write_text(
        (ROOT / "tests" / "fixtures" / "good.flow.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    CliRunner().invoke(app, ["baseline", "other.flow.yaml", "-o", "baseline.json"])
    result = CliRunner().invoke(app, ["check", "bots", "--baseline", "baseline.json"])
    assert result.exit_code == 1
    assert (
        "baseline.json has no entry for any checked file"
        in str(getattr(result, "stderr", "")) + result.output
    )


def test_a_waiver_added_after_the_baseline_is_not_a_fix(project: Path) -> None:
    CliRunner().invoke(app, ["baseline", "bots", "-o", "baseline.json"])
    flow = project / "bots" / "bank.flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8") + 'waivers:\n  - {rule: CX10, reason: "tone approved"}\n',
        encoding="utf-8",
    )
    code, report = invoke("bots", "--baseline", "baseline.json")
    assert code == 0
    assert report["files"][0]["baseline"]["fixed"] == []
    kinds = Counter(
        f["suppression"]["kind"] for f in report["files"][0]["findings"] if f["rule"] == "CX10"
    )
    assert kinds == {"waiver": 1}


def test_a_known_cause_that_reaches_a_new_place_is_new(project: Path) -> None:
    """The bank's looping fallback is baselined at 20 questions; a 21st question that loops the
    same way makes that finding new (it is a new problem for customers), while the rest stays
    baselined."""
    CliRunner().invoke(app, ["baseline", "bots", "-o", "baseline.json"])
    flow = project / "bots" / "bank.flow.yaml"
    text = flow.read_text(encoding="utf-8")
    anchor = "  - id: main\n    steps:\n"
    assert anchor in text
    text = text.replace(
        anchor,
        anchor
        + "      - {id: extra_question, ask: {nl: Nog iets?, en: Anything else?}, next: welcome}\n",
        1,
    )
    text = text.replace(
        "intents:\n", "intents:\n  - {id: extra, examples: [nog iets], goto: extra_question}\n", 1
    )
    flow.write_text(text, encoding="utf-8")
    code, report = invoke("bots", "--baseline", "baseline.json")
    counting = [f for f in report["files"][0]["findings"] if f["suppression"] is None]
    assert code == 1
    assert ("CX03", "fallback-loops", 21) in {(f["rule"], f["check"], f["count"]) for f in counting}
    assert report["files"][0]["baseline"]["fixed"] == []
