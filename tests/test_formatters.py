"""Every report format: golden files, hostile bot texts, the formats' own rules, determinism.

Two reports go through every formatter:

- ``bank``: examples/bank.flow.yaml as it is (run from the repository root, so paths are
  relative), compared with tests/golden/bank.*;
- ``hostile``: a small flow whose bot name, step id, waiver reasons, file name and baseline carry
  markup and injection attempts (HTML, ``]]>``, Markdown, ``@channel``, ``#1``, ``|``, newlines,
  ANSI escapes, ``%0A::error::``), with a waived finding, baselined findings, a fixed baseline
  entry and a second file with input errors; compared with tests/golden/hostile.*.

After an intended change of output, regenerate the golden files and review the diff::

    CXAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_formatters.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from cxaudit.baseline import read_baseline, render_baseline
from cxaudit.engine import audit_files, audit_paths
from cxaudit.formatters import NAMES, RenderOptions, get
from cxaudit.formatters.github import escape_data, escape_property
from cxaudit.formatters.markdown import escape
from cxaudit.formatters.sarif import artifact_uri, information_uri, plain
from cxaudit.loading import Settings
from cxaudit.report import DEFAULT_HELP_URL, Report, Severity
from tests.conftest import EXAMPLES, SHARED, needs_shared

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-2.1.0.json"
UPDATE = os.environ.get("CXAUDIT_UPDATE_GOLDEN") == "1"
TODAY = date(2026, 11, 24)

EXTENSION = {
    "terminal": "terminal.txt",
    "concise": "concise.txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "junit.xml",
    "markdown": "md",
    "github": "github.txt",
    "gitlab": "gitlab.json",
}

EVIL = (
    r"<script>alert(1)</script> ]]> **bold** [link](http://x) @channel #1 | x\n"
    r"%0A::error::pwned \x1b[31m"
)
HOSTILE_NAME = "bots/hostile, #1 @team <i>x</i>.flow.yaml"
HOSTILE_FLOW = f"""\
cxaudit: 1
bot:
  name: "<b>Eve</b> {EVIL}"
  organisation: "Evil & Co <img src=x onerror=alert(1)>"
  sector: logistics
  languages: [en]
  channels: [web_chat]
  start: welcome
humans:
  - {{id: live_chat, channel: live_chat, hours: "mo-fr 08:00-20:00", expected_wait: 3m}}
handoff:
  context: [summary, transcript, customer, intent]
escalation:
  fallback: {{retries: 1, then: to_agent}}
  upset: to_agent
flows:
  - id: main
    steps:
      - id: welcome
        say:
          en: "Hello there. I'm a real person."
        next: "{EVIL}"
      - id: "{EVIL}"
        ask: {{en: "Anything else?"}}
        options:
          - {{label: {{en: "Yes"}}, goto: answer}}
          - {{label: {{en: "No"}}, goto: answer}}
      - id: answer
        say:
          # cxaudit: ignore[CX10] reason="ok by legal <b>@legal</b> #2 | x"
          en: "I know how frustrating this must be."
        next: bye
      - id: to_agent
        # cxaudit: ignore[CX04] reason="<script>alert(1)</script> @channel ]]>"
        say:
          en: I'm transferring you to a colleague. The wait is about 3 minutes.
        handoff: live_chat
      - id: bye
        say: {{en: "Have a nice day! I feel your pain."}}
        end: true
"""
BROKEN_NAME = "bots/broken.flow.yaml"
BROKEN_FLOW = """\
cxaudit: 1
bot:
  name: "<script>x</script>"
  sector: logistics
  "sektor <b>@x</b>\\x1b[31m": bank
"""


@pytest.fixture(scope="module")
def bank() -> Iterator[Report]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        yield _bank()


def _bank() -> Report:
    path = "examples/bank.flow.yaml"
    return audit_files(
        [(Path(path), path)], Settings(language="en", discover_config=False, today=TODAY)
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("hostile")
    flow, broken = folder / "hostile.flow.yaml", folder / "broken.flow.yaml"
    flow.write_text(HOSTILE_FLOW, encoding="utf-8")
    broken.write_text(BROKEN_FLOW, encoding="utf-8")
    settings = Settings(language="en", discover_config=False, today=TODAY)
    first = audit_files([(flow, HOSTILE_NAME)], settings)
    # The baseline knows every finding but the CX02 ones (new now), plus one that is gone (fixed).
    data = json.loads(render_baseline([(flow, first.files[0])], folder))
    entries = data["files"]["hostile.flow.yaml"]["findings"]
    entries[:] = [e for e in entries if e["rule"] != "CX02"]
    entries.append(
        {
            "fingerprint": "0" * 20,
            "rule": "CX03",
            "check": "fallback-loop",
            "step": EVIL.replace("\\n", "\n").replace("\\x1b", "\x1b"),
            "message": "Fixed: <script>alert(1)</script> @channel #1 ]]>\n::error::pwned \x1b[31m",
        }
    )
    (folder / "baseline.json").write_text(json.dumps(data), encoding="utf-8")
    baseline = read_baseline(folder / "baseline.json", "ci/baseline <b>@ops</b>.json")
    files = [(flow, HOSTILE_NAME), (broken, BROKEN_NAME)]
    return audit_files(
        files, Settings(language="en", discover_config=False, today=TODAY, baseline=baseline)
    )


def render(report: Report, name: str) -> str:
    return get(name)(report, RenderOptions())


def _golden(stem: str, name: str, text: str) -> None:
    path = GOLDEN / f"{stem}.{EXTENSION[name]}"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"no golden file {path.name}; run with CXAUDIT_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"{path.name} differs from the output"


# --- the registry ------------------------------------------------------------------------------


def test_names_are_the_formats_in_cli_order() -> None:
    assert NAMES == (
        "terminal",
        "concise",
        "json",
        "sarif",
        "junit",
        "markdown",
        "github",
        "gitlab",
    )
    assert set(NAMES) == set(EXTENSION)
    for name in NAMES:
        assert callable(get(name))
    with pytest.raises(KeyError):
        get("xml")


# --- golden files and determinism --------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_bank_golden(bank: Report, name: str) -> None:
    _golden("bank", name, render(bank, name))


@pytest.mark.parametrize("name", NAMES)
def test_hostile_golden(hostile: Report, name: str) -> None:
    _golden("hostile", name, render(hostile, name))


@pytest.mark.parametrize("name", NAMES)
def test_same_report_same_bytes(bank: Report, hostile: Report, name: str) -> None:
    assert render(bank, name) == render(bank, name)
    assert render(hostile, name) == render(hostile, name)


def test_a_second_run_renders_the_same(bank: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    again = _bank()
    for name in NAMES:
        assert render(again, name) == render(bank, name)


# --- hostile texts come out inert --------------------------------------------------------------


def test_the_hostile_report_has_what_it_should(hostile: Report) -> None:
    """Guard the fixture itself: if the engine changes, these tests must still bite."""
    (file_report,) = hostile.files
    kinds = [f.suppression.kind for f in file_report.findings if f.suppression is not None]
    assert "waiver" in kinds and "baseline" in kinds
    assert any(
        f.counts
        and "<script>" in f.message
        and any("<script>" in (p.step or "") for p in f.related)
        for f in file_report.findings
    )
    assert any(f.check == "waiver-unused" and "<script>" in f.message for f in file_report.findings)
    assert file_report.baseline is not None and file_report.baseline.fixed
    assert hostile.errors and hostile.unchecked == (BROKEN_NAME,)


@pytest.mark.parametrize("name", NAMES)
def test_no_escape_byte_in_any_format(hostile: Report, name: str) -> None:
    text = render(hostile, name)
    assert "\x1b" not in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


def test_markdown_is_inert(hostile: Report) -> None:
    text = render(hostile, "markdown")
    for raw in ("<script>", "<b>", "<i>", "<img", "@channel", "@legal", "@team", "@ops"):
        assert raw not in text
    assert not re.search(r"#\d", text)  # no issue references
    assert "http://x" not in text and "[link](" not in text
    assert "**bold**" not in text
    assert "@\u200bchannel" in text and "&lt;script&gt;" in text
    # Every table row keeps its five cell borders: no cell breaks on | or a newline.
    for line in text.splitlines():
        if line.startswith("| CX"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 5
    # Only cxaudit's own HTML: details and summary (and <br> between a finding and its hint).
    assert set(re.findall(r"</?([a-z]+)", text)) <= {"details", "summary", "br"}


def test_markdown_escape() -> None:
    assert escape("a|b") == "a\\|b"
    assert escape("line\nnext") == "line\\\\nnext"
    assert escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert escape("@all #12 www.x.nl https://y") == (
        "@\u200ball \\#\u200b12 www\u200b\\.x\\.nl https:\u200b//y"
    )
    assert escape("1. - * _x_ `c` ~s~ {a} !") == "1\\. \\- \\* \\_x\\_ \\`c\\` \\~s\\~ \\{a\\} \\!"


def test_github_output_is_one_command_per_line(hostile: Report) -> None:
    text = render(hostile, "github")
    lines = text.splitlines()
    (file_report,) = hostile.files
    counting = [f for f in file_report.findings if f.counts]
    gate = 0 if file_report.passed else 1  # why the file fails, first
    assert len(lines) == len(hostile.errors) + gate + len(counting) + 1  # + the suppressed notice
    command = re.compile(r"::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::")
    for line in lines:
        assert command.match(line), line
        assert "\r" not in line
    assert "\n::set-output" not in text and "\n::error::pwned" not in text
    assert "%250A%3A%3Aerror" in text or "%250A::error::pwned" in text


def test_github_leaves_suppressed_findings_out(hostile: Report) -> None:
    lines = render(hostile, "github").splitlines()
    assert not any("i know how frustrating" in line for line in lines)  # waived
    assert lines[-1] == "::notice::cxaudit: 1 waived, 5 baselined."
    assert lines[0].startswith("::error file=bots/broken.flow.yaml,line=1,col=1::")


def test_github_escaping() -> None:
    assert escape_data("50%\r\nx::y") == "50%25\\x0d%0Ax::y"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_concise_has_one_line_per_finding(hostile: Report, bank: Report) -> None:
    for report in (hostile, bank):
        lines = render(report, "concise").splitlines()
        failing = sum(1 for f in report.files if not f.passed)  # + a line saying why each fails
        assert len(lines) == sum(len(f.findings) for f in report.files) + failing
        assert all(": Fails because: " in line for line in lines[len(lines) - failing :])
    lines = render(hostile, "concise").splitlines()
    assert any(re.search(r":\d+:\d+: CX10 \[error, waived\] The bot", line) for line in lines)
    assert any(re.search(r": CX05 \[error, baselined\] ", line) for line in lines)
    assert all(line.startswith(HOSTILE_NAME + ":") for line in lines)


# --- JUnit -------------------------------------------------------------------------------------


def _suites(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("name") == "cxaudit"
    for key in ("tests", "failures", "errors", "skipped"):
        total = sum(int(suite.get(key, "0")) for suite in root.iter("testsuite"))
        assert int(root.get(key, "-1")) == total, key
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("errors", "-1")) == sum(c.find("error") is not None for c in cases)
        assert int(suite.get("skipped", "-1")) == sum(c.find("skipped") is not None for c in cases)
        for case in cases:
            assert case.get("classname") == suite.get("name")
            assert case.get("time") == "0"
            assert sum(case.find(tag) is not None for tag in ("failure", "skipped", "error")) <= 1
        names = [(c.get("classname"), c.get("name")) for c in cases]
        assert len(set(names)) == len(names)  # GitLab keeps only the first of a duplicate
    return root


def test_junit_bank(bank: Report) -> None:
    root = _suites(render(bank, "junit"))
    (suite,) = root.findall("testsuite")
    (file_report,) = bank.files
    assert suite.get("name") == "examples/bank.flow.yaml"
    assert int(suite.get("tests", "0")) == 11  # ten rules and the gate
    failing = {r.id for r in file_report.rules if r.errors or r.warnings} | {"gate"}
    cases = {c.get("name", ""): c for c in suite.findall("testcase")}
    assert set(cases) == {r.id for r in file_report.rules} | {"gate"}  # named by id only
    assert {rule for rule, c in cases.items() if c.find("failure") is not None} == failing
    gate = cases["gate"].find("failure")
    assert gate is not None and "Fails because: the score" in (gate.get("message") or "")
    cx03 = cases["CX03"].find("failure")
    assert cx03 is not None and cx03.get("type") == "error"
    assert (cx03.text or "").count("\n    hint: ") == file_report.rules[2].errors


def test_junit_hostile(hostile: Report) -> None:
    text = render(hostile, "junit")
    assert "<script>" not in text and "]]>" not in text
    root = _suites(text)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {HOSTILE_NAME, BROKEN_NAME}
    error = suites[BROKEN_NAME].find("testcase/error")
    assert error is not None and "sektor" in (error.text or "")
    cx10 = next(
        c for c in suites[HOSTILE_NAME].iter("testcase") if c.get("name", "").startswith("CX10")
    )
    out = cx10.find("system-out")
    assert out is not None and "waived: ok by legal <b>@legal</b>" in (out.text or "")
    assert cx10.find("failure") is None  # its only other finding is baselined
    for element in root.iter():
        for value in [element.text or "", *element.attrib.values()]:
            assert "\x1b" not in value and "[[" not in value


# --- SARIF -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@needs_shared("schemas", "sarif-2.1.0.json")
@pytest.mark.parametrize("which", ["bank", "hostile"])
def test_sarif_is_valid(
    which: str, request: pytest.FixtureRequest, sarif_validator: jsonschema.protocols.Validator
) -> None:
    report: Report = request.getfixturevalue(which)
    sarif_validator.validate(json.loads(render(report, "sarif")))


def test_sarif_bank(bank: Report) -> None:
    log = json.loads(render(bank, "sarif"))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cxaudit"
    assert driver["informationUri"] == DEFAULT_HELP_URL.removesuffix("{rule}.md")
    assert [r["id"] for r in driver["rules"]] == [f"CX{i:02}" for i in range(1, 11)]
    for rule in driver["rules"]:
        assert rule["helpUri"] == DEFAULT_HELP_URL.replace("{rule}", rule["id"])
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert set(rule["properties"]) == {
            "area",
            "weight",
            "precision",
            "problem.severity",
            "tags",
        }
    (file_report,) = bank.files
    assert len(run["results"]) == len(file_report.findings)
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for result, finding in zip(run["results"], file_report.findings, strict=True):
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["level"] == levels[finding.severity]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "examples/bank.flow.yaml"
        assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1
        assert result["partialFingerprints"] == {"cxaudit/v1": finding.fingerprint}
        assert result["properties"]["check"] == finding.check
        assert "baselineState" not in result and "suppressions" not in result
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_leaves_waived_and_baselined_findings_out(hostile: Report) -> None:
    """GitHub code scanning ignores suppressions: by default only what counts is a result."""
    (run,) = json.loads(render(hostile, "sarif"))["runs"]
    (file_report,) = hostile.files
    counting = [f for f in file_report.findings if f.suppression is None]
    assert 0 < len(counting) < len(file_report.findings)
    assert [r["partialFingerprints"]["cxaudit/v1"] for r in run["results"]] == [
        f.fingerprint for f in counting
    ]
    assert all("suppressions" not in r for r in run["results"])
    assert run["properties"]["files"][0]["suppressed"] == len(file_report.findings) - len(counting)


def test_sarif_hostile(hostile: Report) -> None:
    """With --sarif-suppressed, every finding is a result, the suppressed ones marked."""
    sarif = get("sarif")(hostile, RenderOptions(suppressed=True))
    (run,) = json.loads(sarif)["runs"]
    results = run["results"]
    (file_report,) = hostile.files
    assert len(results) == len(file_report.findings)
    by_kind = {"waiver": "inSource", "baseline": "external"}
    for result, finding in zip(results, file_report.findings, strict=True):
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
            "bots/hostile%2C%20%231%20%40team%20%3Ci%3Ex%3C/i%3E.flow.yaml"
        )
        if finding.suppression is None:
            assert "suppressions" not in result
            assert result["baselineState"] == "new"
        else:
            (suppression,) = result["suppressions"]
            assert suppression["kind"] == by_kind[finding.suppression.kind]
            assert suppression["status"] == "accepted"
            assert suppression["justification"] == finding.suppression.reason
            baselined = finding.suppression.kind == "baseline"
            assert result["baselineState"] == ("unchanged" if baselined else "new")
        # No embedded links: every [ and ] in a plain-text message is escaped.
        assert not re.search(r"(?<!\\)[\[\]]", result["message"]["text"].replace("\\\\", ""))
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == len(hostile.errors)
    assert all(n["level"] == "error" for n in notes)
    region = notes[-1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 3}
    fixed = run["properties"]["files"][0]["baseline"]["fixed"]
    assert fixed[0]["message"].startswith("Fixed: <script>")
    assert "\x1b" not in fixed[0]["message"]


def test_sarif_helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert artifact_uri("examples/my bot.flow.yaml") == "examples/my%20bot.flow.yaml"
    assert artifact_uri("./a/b.yaml") == "a/b.yaml"
    assert artifact_uri("bots\\nl\\bot.yaml") == "bots/nl/bot.yaml"
    # An absolute path is made relative to the working folder (the repository root in CI).
    monkeypatch.chdir(tmp_path)
    assert artifact_uri(str(tmp_path / "bots" / "my bot.yaml")) == "bots/my%20bot.yaml"
    outside = artifact_uri(str(tmp_path.parent / "elsewhere.yaml"))
    assert outside == "../elsewhere.yaml"
    if os.name != "nt":  # a folder named "C:": relative, its colon encoded (never read as a scheme)
        assert artifact_uri("C:/bots/é.yaml") == "C%3A/bots/%C3%A9.yaml"
    assert information_uri("https://example.org/rules/{rule}") == "https://example.org/rules/"
    assert information_uri("https://wiki.example/cx#{rule}") == "https://wiki.example/"
    assert information_uri("{rule}.html") is None
    assert plain("see [x](http://y) \\ \x1b") == "see \\[x\\](http://y) \\\\ \\\\x1b"


# --- Markdown structure ------------------------------------------------------------------------


def test_markdown_bank(bank: Report) -> None:
    text = render(bank, "markdown")
    assert text.startswith("## Sophie (Polderbank N\\.V\\.): Score 32.6/100, Grade F, FAILED\n")
    assert text.count("\n| CX") == 10
    assert text.count("<details>") == text.count("</details>")
    assert "waived / baselined" not in text


def test_markdown_hostile_sections(hostile: Report) -> None:
    text = render(hostile, "markdown")
    assert "<summary>waived / baselined (6)</summary>" in text
    assert "<summary>Fixed since the baseline (1)</summary>" in text
    assert "Baseline ci/baseline &lt;b&gt;@\u200bops&lt;/b&gt;\\.json:" in text
    assert "2 file(s): 0 passed, 1 failed, 1 not checked (input errors)." in text
    assert "- bots/broken\\.flow\\.yaml:5:3: error: " in text


def test_github_annotates_at_most_ten_of_each_kind_most_severe_first() -> None:
    """GitHub shows ten error and ten warning annotations per step and drops the rest silently:
    the most severe come first, and a notice says how many more there are."""
    import dataclasses

    report = audit_files([(EXAMPLES / "bank.flow.yaml", "bank.flow.yaml")], Settings(language="en"))
    many = dataclasses.replace(
        report,
        files=tuple(dataclasses.replace(f, findings=f.findings * 3) for f in report.files),
    )
    lines = render(many, "github").splitlines()
    kinds = [line.split(" ", 1)[0].split("::")[1] for line in lines]
    assert kinds.count("error") <= 10 and kinds.count("warning") <= 10
    first_notice = kinds.index("notice") if "notice" in kinds else len(kinds)
    assert "error" not in kinds[first_notice:]  # errors before the less severe
    assert any("not annotated" in line for line in lines)


# GitLab's documented Code Quality fields (docs.gitlab.com/ci/testing/code_quality, "Code
# Quality report format"): these are the ones the merge request widget reads.
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality_has_gitlabs_fields(hostile: Report) -> None:
    for report in (
        hostile,
        audit_files([(EXAMPLES / "bank.flow.yaml", "bank.flow.yaml")], Settings()),
    ):
        issues = json.loads(render(report, "gitlab"))
        assert isinstance(issues, list) and issues
        for issue in issues:
            assert set(issue) == {
                "description",
                "check_name",
                "fingerprint",
                "severity",
                "location",
            }
            assert isinstance(issue["description"], str) and issue["description"]
            assert re.fullmatch(
                r"(CX\d\d/[\w-]+|import/[\w-]+|input-error)", issue["check_name"]
            ), issue
            assert issue["severity"] in GITLAB_SEVERITIES
            assert not Path(issue["location"]["path"]).is_absolute()
            assert isinstance(issue["location"]["lines"]["begin"], int)
            assert issue["location"]["lines"]["begin"] >= 1
        fingerprints = [issue["fingerprint"] for issue in issues]
        assert len(fingerprints) == len(set(fingerprints))  # GitLab shows one issue per fingerprint


def test_gitlab_leaves_suppressed_findings_out(hostile: Report) -> None:
    counting = sum(1 for f in hostile.files for x in f.findings if x.counts)
    assert len(json.loads(render(hostile, "gitlab"))) == counting + len(hostile.errors)


def test_markdown_stays_well_under_githubs_summary_limit(bank: Report) -> None:
    """GitHub drops a job summary over 1 MiB whole: a report that would pass the cap keeps each
    file's heading and rule table, leaves the details out and says so."""
    import dataclasses

    from cxaudit.formatters import markdown

    many = dataclasses.replace(bank, files=bank.files * 400)
    text = render(many, "markdown")
    assert len(text.encode("utf-8")) <= markdown.MAX_BYTES + 4096
    assert "details are left out" in text and "<details>" not in text
    assert text.count("Fails because:") >= 10
    assert render(bank, "markdown") == render(bank, "markdown") and "<details>" in render(
        bank, "markdown"
    )


def test_sarif_rules_carry_what_github_reads(bank: Report) -> None:
    rules = json.loads(render(bank, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        props = rule["properties"]
        assert props["precision"] in ("very-high", "high", "medium", "low")
        assert props["problem.severity"] in ("error", "warning", "recommendation")
        assert "cxaudit" in props["tags"]
    by_id = {rule["id"]: rule["properties"]["precision"] for rule in rules}
    assert by_id["CX10"] == "medium" and by_id["CX03"] == "high"  # lexicons vs structure


def test_sarif_keeps_to_githubs_result_limit(bank: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from cxaudit.formatters import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    # Notes first in the report: the cap still keeps errors, not the first three results.
    notes_first = dataclasses.replace(
        bank,
        files=tuple(
            dataclasses.replace(
                f, findings=tuple(sorted(f.findings, key=lambda x: -x.severity.rank))
            )
            for f in bank.files
        ),
    )
    run = json.loads(render(notes_first, "sarif"))["runs"][0]
    assert len(run["results"]) == 3
    assert all(r["level"] == "error" for r in run["results"])
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "more results are left out" in note["message"]["text"]


def test_github_keeps_its_closing_notices_within_the_notice_limit(bank: Report) -> None:
    import dataclasses

    notes = [
        dataclasses.replace(f, severity=Severity.INFO, fingerprint=f"{i:020d}")
        for i, f in enumerate(bank.files[0].findings * 2)
    ]
    many = dataclasses.replace(
        bank,
        files=tuple(dataclasses.replace(f, findings=f.findings + tuple(notes)) for f in bank.files),
    )
    lines = render(many, "github").splitlines()
    assert sum(1 for line in lines if line.startswith("::notice")) <= 10
    assert lines[-1].startswith("::notice::cxaudit: not annotated")
    assert sum(1 for line in lines if "title=cxaudit gate" in line) == 1


def test_sarif_regions_have_an_end(bank: Report) -> None:
    """A region covers the offending value: a text to its last character, a block (an intent,
    a step) to the end of its last line, never into the next item."""
    (run,) = json.loads(render(bank, "sarif"))["runs"]
    regions = {
        r["properties"]["dataPath"]: r["locations"][0]["physicalLocation"]["region"]
        for r in run["results"]
    }
    text = regions["bot.name"]
    assert text["endLine"] == text["startLine"] and text["endColumn"] > text["startColumn"]
    block = regions["intents[1]"]
    assert block["endLine"] > block["startLine"] and "endColumn" not in block
    assert block["endLine"] < regions["intents[2]"]["startLine"]


def test_paths_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run in a subfolder of a repository (`working-directory: bots`), SARIF and GitLab still
    name files from the repository root, where code scanning and GitLab look for them."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "bots").mkdir()
    shutil.copy(ROOT / "examples" / "bank.flow.yaml", tmp_path / "bots" / "bank.flow.yaml")
    monkeypatch.chdir(tmp_path / "bots")
    report = audit_paths(["bank.flow.yaml"], Settings(language="en"))
    (run,) = json.loads(render(report, "sarif"))["runs"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"bots/bank.flow.yaml"}
    paths = {issue["location"]["path"] for issue in json.loads(render(report, "gitlab"))}
    assert paths == {"bots/bank.flow.yaml"}
    annotations = [line for line in render(report, "github").splitlines() if "file=" in line]
    assert annotations and all("file=bots/bank.flow.yaml," in line for line in annotations)
    assert report.files[0].path == "bank.flow.yaml"  # people's formats keep the name as given
