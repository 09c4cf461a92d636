"""Every hostile input of tests/attacks.py through the command line: an exit code it may give,
a message naming the file when it refuses, never a traceback, a raw escape sequence or a
workflow command from the input (issue 10). Time and memory are measured by bench/attacks.py,
not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxaudit.cli import app
from tests.attacks import ATTACKS, Attack, problems
from tests.conftest import ROOT


def run(attack: Attack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    args = attack.build(tmp_path)
    if attack.stdout is not None:  # a device as standard output: only a real process has one
        with Path(attack.stdout).open("wb") as out:
            done = subprocess.run(
                [sys.executable, "-m", "cxaudit", *args],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                check=False,
            )
        return done.returncode, "", done.stderr
    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: let pytest show it
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_a_hostile_input_is_refused_or_reported(
    attack: Attack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stdout, stderr = run(attack, tmp_path, monkeypatch)
    output = stdout + stderr
    assert problems(attack, code, output, stderr) == [], output[-2000:]
    for check in attack.checks:
        CHECKS[check](tmp_path, stdout)


def _link_replaced(tmp_path: Path, stdout: str) -> None:
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me\n"
    report = tmp_path / "report.sarif"
    assert not report.is_symlink()
    assert json.loads(report.read_text(encoding="utf-8"))["version"] == "2.1.0"


def _emoji_read(tmp_path: Path, stdout: str) -> None:
    report = json.loads(stdout)
    notes = [f for file in report["files"] for f in file["findings"] if f["rule"] == "import"]
    assert not [n for n in notes if "Menu.json" in json.dumps(n)], notes


def _relative_uri(tmp_path: Path, stdout: str) -> None:
    sarif = json.loads(stdout)
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for location in result["locations"]
    }
    assert uris == {"C%3A/flow.yaml"}


def _waived_today(tmp_path: Path, stdout: str) -> None:
    """A waiver is good through the day it expires (and that day is UTC's, test below)."""
    findings = json.loads(stdout)["files"][0]["findings"]
    (waived,) = [f for f in findings if f["suppression"] is not None]
    assert (waived["rule"], waived["suppression"]["expires"]) == ("CX05", "2026-12-07")


CHECKS = {
    "link-replaced": _link_replaced,
    "emoji-read": _emoji_read,
    "relative-uri": _relative_uri,
    "waived-today": _waived_today,
}


def test_a_waiver_expires_on_the_same_day_in_every_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --today, the date is today's in UTC: the report is the same in Kiritimati
    (UTC+14) and on Baker Island (UTC-12), where the calendar dates differ by two days."""
    from tests.attacks import flow

    monkeypatch.chdir(tmp_path)
    (tmp_path / "flow.yaml").write_text(
        flow() + "waivers:\n  - {rule: CX05, reason: x, expires: 2026-12-07}\n", encoding="utf-8"
    )
    outputs = []
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        outputs.append(CliRunner().invoke(app, ["check", "flow.yaml", "-f", "json"]).stdout)
    monkeypatch.delenv("TZ")
    time.tzset()
    assert outputs[0] == outputs[1]


def test_the_limits_of_a_run_do_not_apply_to_cxaudits_own_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run with tiny limits still reads the rule catalogue, also where the pre-parsed bundle
    is stale and the YAML is parsed (an editable install after an edit of rules/)."""
    from cxaudit import resources
    from cxaudit.budget import Limits, using

    monkeypatch.setattr(resources, "_bundle", dict)
    path = resources.rules_dir() / "catalogue" / "CX01.yaml"
    with using(Limits(depth=2, nodes=10, text=10)):
        assert isinstance(resources.read_shipped(path).data, dict)


def test_a_limit_is_named_in_the_message_and_can_be_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.attacks import flow

    monkeypatch.chdir(tmp_path)
    (tmp_path / "flow.yaml").write_text(flow('"' + "I am a bot. " * 100 + '"'), encoding="utf-8")
    refused = CliRunner().invoke(app, ["check", "flow.yaml", "--limit", "text=1000"])
    assert refused.exit_code == 2
    assert "over the limit of 1,000 characters" in refused.stderr
    assert "--limit text=N" in refused.stderr
    allowed = CliRunner().invoke(app, ["check", "flow.yaml", "--limit", "text=2000"])
    assert allowed.exit_code in (0, 1), allowed.stderr
    bad = CliRunner().invoke(app, ["check", "flow.yaml", "--limit", "pages=3"])
    assert bad.exit_code == 2 and "file-bytes, project-bytes, files" in bad.stderr
    shown = CliRunner().invoke(app, ["config", "limits", "--limit", "files=5", "--json"])
    assert json.loads(shown.stdout)["files"] == 5
