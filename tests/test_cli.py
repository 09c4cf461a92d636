"""The command line: every path, every exit code, stable output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from cxaudit import __version__
from cxaudit.cli import app
from cxaudit.cli_options import Color, wants_color
from tests.conftest import ROOT

GOOD = str(ROOT / "tests" / "fixtures" / "good.flow.yaml")
BROKEN = """\
cxaudit: 1
bot: {name: Hulpbot, languages: [en]}
flows:
  - id: main
    steps:
      - {id: q, ask: What is your order number?, next: bye}
      - {id: bye, say: Bye!, end: true}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def broken(tmp_path: Path) -> str:
    path = tmp_path / "broken.flow.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return str(path)


def stderr_of(result: object) -> str:
    return str(getattr(result, "stderr", "") or "")


def test_a_passing_file_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", GOOD, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "PakketPal" in result.output
    assert "Score 100.0/100  Grade A  PASSED" in result.output


def test_a_failing_file_exits_1(runner: CliRunner, broken: str) -> None:
    result = runner.invoke(app, ["check", broken, "--lang", "en"])
    assert result.exit_code == 1
    assert "FAILED" in result.output
    assert f"{broken}:6:9 CX03 error [q]" in result.output


def test_fail_under_decides_a_file_without_errors(runner: CliRunner, tmp_path: Path) -> None:
    # Only a warning (no waiting time in the handoff message): score below 100, no error.
    text = (
        Path(GOOD).read_text(encoding="utf-8").replace(" De wachttijd is ongeveer 3 minuten.", "")
    )
    text = text.replace(" The wait is about 3 minutes.", "")
    path = tmp_path / "warn.flow.yaml"
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["check", str(path), "--fail-under", "80"]).exit_code == 0
    assert runner.invoke(app, ["check", str(path), "--fail-under", "100"]).exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", GOOD, "--lang", "fr"],
        ["check", GOOD, "--format", "xml"],
        ["check", GOOD, "--fail-under", "150"],
        ["check", GOOD, "--no-such-option"],
        ["explain"],
        ["nonsense"],
    ],
    ids=[
        "no files",
        "bad lang",
        "bad format",
        "fail-under out of range",
        "unknown option",
        "explain without rule",
        "unknown command",
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output + stderr_of(result)


def test_input_error_exits_2_and_still_checks_the_other_files(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cxaudit: 1\nbot: {name: X, sectr: retail}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad), GOOD, "--lang", "en"])
    assert result.exit_code == 2
    output = result.output + stderr_of(result)
    assert f"{bad}:2:16: error: bot.sectr: unknown key 'sectr'; did you mean 'sector'?" in output
    assert "PakketPal" in output
    assert "2 file(s): 1 passed, 0 failed, 1 not checked (input errors)." in output
    assert "Traceback" not in output


def test_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml: error: no such file" in result.output + stderr_of(result)


def test_json_report_follows_its_schema_and_is_deterministic(
    runner: CliRunner, broken: str
) -> None:
    first = runner.invoke(app, ["check", broken, GOOD, "--format", "json"])
    second = runner.invoke(app, ["check", broken, GOOD, "--format", "json"])
    assert first.exit_code == 1
    assert first.output == second.output
    report = json.loads(first.output)
    schema = json.loads(
        (ROOT / "cxaudit" / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(report, schema)
    assert report["cxaudit"] == __version__
    # The broken bot: no person at all (one cause), no humans, no upset route, no fallback, no
    # disclosure; the good bot has nothing.
    assert report["summary"] == {
        "files": 2,
        "passed": 1,
        "failed": 1,
        "invalid": 0,
        "errors": 5,
        "warnings": 1,
        "infos": 0,
        "waived": 0,
        "baselined": 0,
    }
    finding = next(f for f in report["files"][0]["findings"] if f["rule"] == "CX03")
    assert finding == {
        "rule": "CX03",
        "check": "no-fallback",
        "severity": "error",
        "message": "Step 'q' asks a question but has no fallback for when the bot does not understand, and there is no escalation.fallback.",
        "hint": "Add `fallback: {retries: 1, then: <handoff step>}` to the step, or a default under escalation.fallback.",
        "path": broken,
        "step": "q",
        "line": 6,
        "column": 9,
        "data_path": "flows[0].steps[0]",
        "fingerprint": finding["fingerprint"],
        "suppression": None,
        "count": 1,
        "related": [],
    }
    assert len(finding["fingerprint"]) == 20


def test_json_report_carries_input_errors(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cxaudit: 1\nbot: {name: X}\nbot: {name: Y}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad), "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["passed"] is False
    assert report["errors"] == [
        {
            "path": str(bad),
            "line": 3,
            "column": 1,
            "message": "duplicate key 'bot' (first at line 2); YAML would silently keep only the last one",
        }
    ]


def test_output_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["check", GOOD, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["passed"] is True


def test_a_link_at_the_output_is_replaced_never_followed(runner: CliRunner, tmp_path: Path) -> None:
    """A pull request may put `report.sarif -> ~/.ssh/authorized_keys` in the workspace."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "report.sarif"
    out.symlink_to(victim)
    for command in (
        ["check", GOOD, "--format", "sarif", "-o", str(out)],
        ["baseline", GOOD, "-o", str(out)],
    ):
        out.unlink()
        out.symlink_to(victim)
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
        assert victim.read_text(encoding="utf-8") == "keep me"
        assert not out.is_symlink() and out.read_text(encoding="utf-8").startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif", "victim.txt"]


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_an_output_that_cannot_be_written_is_exit_2(
    runner: CliRunner, tmp_path: Path, where: str
) -> None:
    target = tmp_path if where == "folder" else tmp_path / "no" / "such" / "report.json"
    result = runner.invoke(app, ["check", GOOD, "--format", "json", "-o", str(target)])
    assert result.exit_code == 2
    assert f"cxaudit: error: cannot write {target}: " in result.output
    assert "Traceback" not in result.output


def test_a_failed_write_leaves_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxaudit import writing

    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full)
    with pytest.raises(writing.WriteError, match="No space left on device"):
        writing.write_file(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary left


def test_report_language(runner: CliRunner, broken: str) -> None:
    dutch = runner.invoke(app, ["check", broken, "--lang", "nl"]).output
    english = runner.invoke(app, ["check", broken, "--lang", "en"]).output
    assert "De bot loopt nooit vast" in dutch and "GEZAKT" in dutch
    assert "The bot never gets stuck" in english and "FAILED" in english


def test_the_report_speaks_the_readers_language_not_the_bots(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "nl.flow.yaml"
    path.write_text(BROKEN.replace("languages: [en]", "languages: [nl, en]"), encoding="utf-8")
    plain = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    english = runner.invoke(app, ["check", str(path)], env=plain).output
    assert "The bot never gets stuck" in english
    assert "De bot loopt nooit vast" not in english
    dutch = runner.invoke(app, ["check", str(path)], env={**plain, "LANG": "nl_NL.UTF-8"}).output
    assert "De bot loopt nooit vast" in dutch


def test_report_language_falls_back_to_lang(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "de.flow.yaml"
    path.write_text(BROKEN.replace("languages: [en]", "languages: [de]"), encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(path)], env={"LANG": "nl_NL.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    )
    assert "De bot loopt nooit vast" in result.output


def test_plain_output_without_a_terminal_and_colour_on_request(
    runner: CliRunner, broken: str
) -> None:
    plain = runner.invoke(app, ["check", broken]).output
    assert "\x1b[" not in plain
    coloured = runner.invoke(app, ["check", broken, "--color", "always"]).output
    assert "\x1b[" in coloured


def test_rules_lists_the_ten_rules(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [f"CX{i:02d}" for i in range(1, 11)]
    assert "Een mens is altijd bereikbaar" in runner.invoke(app, ["rules", "--lang", "nl"]).output
    data = json.loads(runner.invoke(app, ["rules", "--json"]).output)
    assert data[1]["options"]["max_turns"] == {"default": 2, "strict": 1}


@pytest.mark.parametrize("which", ["flow", "report"])
def test_schema_prints_a_valid_json_schema(runner: CliRunner, which: str) -> None:
    result = runner.invoke(app, ["schema", which])
    assert result.exit_code == 0
    jsonschema.Draft202012Validator.check_schema(json.loads(result.output))


def test_flow_schema_accepts_the_good_fixture(runner: CliRunner) -> None:
    import yaml

    schema = json.loads(runner.invoke(app, ["schema"]).output)
    data = yaml.safe_load(Path(GOOD).read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"cxaudit {__version__}\n"


def test_python_dash_m_and_no_traceback_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "cxaudit", "check", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "bad.yaml: error: binary data" in result.stderr


def test_explain_refuses_odd_numbers_without_a_traceback(runner: CliRunner) -> None:
    for rule in ("²", "9" * 5000, "CX99"):
        result = runner.invoke(app, ["explain", rule])
        assert result.exit_code == 2
        assert "unknown rule" in result.output + stderr_of(result)


def test_an_output_encoding_without_box_drawing_does_not_crash() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    result = subprocess.run(
        [sys.executable, "-m", "cxaudit", "check", str(ROOT / "examples" / "webshop.flow.yaml")],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Tuinhuis" in result.stdout.decode("utf-8")


@pytest.mark.parametrize(
    ("choice", "to_terminal", "environ", "expected"),
    [
        (Color.auto, True, {}, True),
        (Color.auto, True, {"NO_COLOR": "1"}, False),
        (Color.auto, True, {"TERM": "dumb"}, False),
        (Color.auto, False, {}, False),
        (Color.always, False, {"NO_COLOR": "1"}, True),
        (Color.never, True, {}, False),
    ],
)
def test_when_to_colour(
    choice: Color, to_terminal: bool, environ: dict[str, str], expected: bool
) -> None:
    assert wants_color(choice, to_terminal=to_terminal, environ=environ) is expected


def test_extra_reports_in_the_same_run(runner: CliRunner, broken: str, tmp_path: Path) -> None:
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = runner.invoke(
        app,
        [
            "check",
            broken,
            "--format",
            "concise",
            "--report",
            f"sarif={sarif}",
            "--report",
            f"junit={junit}",
        ],
    )
    assert result.exit_code == 1
    assert f"{broken}:6:9: CX03 [error]" in result.stdout
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert junit.read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("xml=out.xml", "unknown format 'xml'"),
        ("sarif", "--report takes FORMAT=FILE"),
        ("sarf=x", "did you mean 'sarif'?"),
    ],
)
def test_bad_report_spec_is_a_usage_error(runner: CliRunner, spec: str, fragment: str) -> None:
    result = runner.invoke(app, ["check", GOOD, "--report", spec])
    assert result.exit_code == 2
    assert fragment in result.output + stderr_of(result)


def test_statistics(runner: CliRunner, broken: str) -> None:
    result = runner.invoke(app, ["check", broken, "--statistics", "--lang", "en"])
    lines = result.stdout.splitlines()
    start = lines.index("Findings per rule and check")
    assert lines[start + 1 :] == [
        "    1  CX01  first-message          error",
        "    1  CX02  no-human-anywhere      error",
        "    1  CX03  no-fallback            error",
        "    1  CX05  no-humans              error",
        "    1  CX06  sensitive-to-fallback  warning",
        "    1  CX07  no-upset-route         error",
    ]
    # Beside a data format the statistics go to stderr, so the JSON stays parseable.
    as_json = runner.invoke(app, ["check", broken, "--statistics", "--format", "json"])
    json.loads(as_json.stdout)
    assert "Findings per rule and check" in stderr_of(as_json)


@pytest.mark.parametrize("value", ["nan", "inf", "-nan"])
def test_fail_under_must_be_a_number(runner: CliRunner, value: str) -> None:
    result = runner.invoke(app, ["check", GOOD, "--fail-under", value])
    assert result.exit_code == 2
    assert "--fail-under" in result.output


def test_exit_zero_lets_a_failing_gate_pass_but_not_bad_input(
    runner: CliRunner, broken: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["check", broken]).exit_code == 1
    result = runner.invoke(app, ["check", broken, "--exit-zero"])
    assert result.exit_code == 0 and "FAILED" in result.output  # the report still says so
    missing = str(tmp_path / "missing.flow.yaml")
    assert runner.invoke(app, ["check", missing, "--exit-zero"]).exit_code == 2


def test_force_color_colours_a_log_unless_no_color_says_otherwise() -> None:
    assert wants_color(Color.auto, to_terminal=False, environ={"FORCE_COLOR": "1"})
    assert not wants_color(Color.auto, to_terminal=False, environ={"FORCE_COLOR": "0"})
    assert not wants_color(
        Color.auto, to_terminal=True, environ={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert not wants_color(Color.never, to_terminal=True, environ={"FORCE_COLOR": "1"})
    assert not wants_color(Color.auto, to_terminal=False, environ={})


def test_select_and_ignore_turn_rules_off_and_checks_into_ignored_findings(
    runner: CliRunner,
) -> None:
    energy = str(ROOT / "examples" / "energy.flow.yaml")

    def checked(*extra: str) -> Any:
        result = runner.invoke(app, ["check", energy, "--format", "json", *extra])
        assert result.exit_code in (0, 1), result.output
        (file_report,) = json.loads(result.stdout)["files"]
        return file_report

    selected = checked("--select", "cx5,CX06")
    running = {r["id"] for r in selected["rules"] if r["status"] != "disabled"}
    assert running == {"CX05", "CX06"}
    ignored = checked("--ignore", "CX07", "--ignore", "CX05/no-wait-time")
    assert next(r for r in ignored["rules"] if r["id"] == "CX07")["status"] == "disabled"
    waits = [f for f in ignored["findings"] if f["check"] == "no-wait-time"]
    assert waits and all(f["suppression"]["source"] == "--ignore CX05/no-wait-time" for f in waits)


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--select", "CX99", "no rule CX99"),
        ("--select", "CX05/no-wait-time", "--select takes rule ids (CX05), not checks"),
        ("--ignore", "CX05/no-wait", "not a check of CX05"),
        ("--ignore", "CX05/", "not a check of CX05"),
        ("--select", ",", "no rule ids given"),
    ],
)
def test_select_and_ignore_name_what_is_wrong(
    runner: CliRunner, option: str, value: str, says: str
) -> None:
    result = runner.invoke(
        app, ["check", str(ROOT / "examples" / "energy.flow.yaml"), option, value]
    )
    assert result.exit_code == 2
    assert says in stderr_of(result) + result.output


def test_select_and_ignore_that_leave_nothing_to_check_are_an_error(runner: CliRunner) -> None:
    energy = str(ROOT / "examples" / "energy.flow.yaml")
    result = runner.invoke(app, ["check", energy, "--select", "CX01", "--ignore", "CX01"])
    assert result.exit_code == 2
    assert "leave no rule to run" in stderr_of(result) + result.output


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LC_ALL": "C", "LANG": "nl_NL.UTF-8"}, None),  # the first one set decides
        ({"LC_MESSAGES": "nl_BE", "LANG": "en_GB"}, "nl"),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({}, None),
    ],
)
def test_the_locale_picks_the_report_language(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], language: str | None
) -> None:
    from cxaudit.i18n import language_from_environment

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert language_from_environment() == language


# -- excludes, --quiet, standard input, --sarif-suppressed ----------------------------------------


def _bots(tmp_path: Path) -> Path:
    """A repository with a passing bot, a failing one in drafts/, and a failing legacy bot."""
    good = (ROOT / "tests" / "fixtures" / "good.flow.yaml").read_text(encoding="utf-8")
    for name, text in (
        ("bots/shop.flow.yaml", good),
        ("bots/drafts/new.flow.yaml", BROKEN),
        ("bots/legacy/old.flow.yaml", BROKEN),
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_exclude_on_the_command_line_and_in_the_configuration(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_bots(tmp_path))
    checked = runner.invoke(app, ["check", "bots", "--format", "concise", "--lang", "en"])
    assert checked.exit_code == 1
    assert "drafts/new.flow.yaml" in checked.output and "legacy/old" in checked.output
    both = ["--exclude", "drafts", "--exclude", "bots/legacy/**"]
    result = runner.invoke(app, ["check", "bots", *both, "--format", "concise"])
    assert result.exit_code == 0, result.output
    assert "drafts" not in result.output and "legacy" not in result.output
    # The configuration's exclude, relative to its folder, adds to --exclude.
    (tmp_path / ".cxaudit.yaml").write_text("exclude: [drafts]\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "bots", "--exclude", "bots/legacy/*.yaml"])
    assert result.exit_code == 0, result.output
    # Named files are excluded too (pre-commit names each changed file).
    result = runner.invoke(app, ["check", "bots/drafts/new.flow.yaml", "bots/shop.flow.yaml"])
    assert result.exit_code == 0, result.output
    # Nothing left to check passes (a commit that only touches drafts), but says so.
    result = runner.invoke(app, ["check", "bots/drafts/new.flow.yaml"])
    assert result.exit_code == 0
    assert "warning: nothing was checked: every file given is excluded" in stderr_of(result)


def test_a_bad_exclude_in_the_configuration_is_an_input_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_bots(tmp_path))
    (tmp_path / ".cxaudit.yaml").write_text("exclude: drafts\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "bots"])
    assert result.exit_code == 2
    assert ".cxaudit.yaml:1:10: error: exclude: expected a list" in stderr_of(result)


def test_quiet_prints_nothing_on_a_pass_and_the_report_on_a_failure(
    runner: CliRunner, broken: str, tmp_path: Path
) -> None:
    passed = runner.invoke(
        app, ["check", GOOD, "--quiet", "--report", f"json={tmp_path / 'r.json'}"]
    )
    assert passed.exit_code == 0 and passed.output == ""
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["passed"] is True
    failed = runner.invoke(app, ["check", broken, "-q", "--format", "concise", "--lang", "en"])
    assert failed.exit_code == 1
    assert "CX03 [error]" in failed.output and "Fails because" in failed.output


def test_standard_input_with_a_file_name(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_bots(tmp_path))
    (tmp_path / "bots" / ".cxaudit.yaml").write_text("lang: nl\n", encoding="utf-8")
    name = "bots/drafts/new.flow.yaml"
    result = runner.invoke(
        app, ["check", "-", "--stdin-filename", name, "--format", "concise"], input=BROKEN
    )
    assert result.exit_code == 1
    # Named as the editor's file, with the configuration beside it (Dutch report).
    assert f"\n{name}:6:9: CX03 [error]" in result.output
    assert "Geen klant kan een mens bereiken" in result.output
    plain = runner.invoke(app, ["check", "-", "--format", "concise", "--lang", "en"], input=BROKEN)
    assert plain.exit_code == 1 and "\n-:6:9: CX03 [error]" in plain.output
    # An excluded file name is not checked: nothing to say, exit 0.
    excluded = runner.invoke(
        app, ["check", "-", "--stdin-filename", name, "--exclude", "drafts"], input=BROKEN
    )
    assert excluded.exit_code == 0, excluded.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "other.flow.yaml"], "'-' (the flow on standard input) is checked alone"),
        ([GOOD, "--stdin-filename", "x.flow.yaml"], "--stdin-filename needs it"),
    ],
)
def test_standard_input_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["check", *args], input="")
    assert result.exit_code == 2
    assert message in stderr_of(result)


def test_standard_input_that_is_not_a_flow(runner: CliRunner) -> None:
    binary = runner.invoke(app, ["check", "-"], input=b"\x00\x01")
    assert binary.exit_code == 2
    assert "-: error: binary data" in stderr_of(binary)
    big = runner.invoke(app, ["check", "-", "--max-file-size", "100"], input="a: " + "x" * 200)
    assert big.exit_code == 2
    assert "more than the limit of 100 bytes" in stderr_of(big)


def test_sarif_suppressed_keeps_waived_findings_as_suppressions(
    runner: CliRunner, tmp_path: Path
) -> None:
    waived = tmp_path / "waived.flow.yaml"
    waiver = "waivers:\n  - {rule: CX03, reason: Fallback handled by the platform}\n"
    waived.write_text(BROKEN + waiver, encoding="utf-8")
    default = runner.invoke(app, ["check", str(waived), "--format", "sarif"])
    kept = runner.invoke(app, ["check", str(waived), "--format", "sarif", "--sarif-suppressed"])
    plain = json.loads(default.output)["runs"][0]["results"]
    every = json.loads(kept.output)["runs"][0]["results"]
    assert not [r for r in plain if r["ruleId"] == "CX03"]
    cx03 = [r for r in every if r["ruleId"] == "CX03"]
    assert cx03 and all(r["suppressions"][0]["kind"] == "inSource" for r in cx03)


@pytest.mark.skipif(os.name == "nt", reason="devices and FIFOs are POSIX")
def test_output_to_a_device_or_a_pipe_writes_through_never_replaces(
    runner: CliRunner, broken: str, tmp_path: Path
) -> None:
    """`-o /dev/null` in a root CI container must not turn /dev/null into a file."""
    import stat
    import threading

    result = runner.invoke(app, ["check", broken, "-o", "/dev/null", "--report", "sarif=/dev/null"])
    assert result.exit_code == 1
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = runner.invoke(app, ["check", broken, "-o", str(fifo), "--format", "concise"])
    reader.join(timeout=30)
    assert result.exit_code == 1
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"CX03 [error]" in received[0]
    dash = runner.invoke(app, ["check", broken, "-o", "-", "--format", "concise"])
    assert "CX03 [error]" in dash.output and not Path("-").exists()


def test_ignored_findings_are_marked_ignored_in_concise_output(
    runner: CliRunner, broken: str
) -> None:
    result = runner.invoke(
        app, ["check", broken, "--format", "concise", "--ignore", "CX03/no-fallback"]
    )
    assert "CX03 [error, ignored]" in result.output
