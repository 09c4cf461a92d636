"""Configuration: discovery, validation, layering (catalogue < profile < file < flags), provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cxaudit.cli import app
from cxaudit.config import Overrides, build_config_schema, find_config, read_chain, resolve
from cxaudit.diagnostics import InputError
from cxaudit.engine import audit_files
from cxaudit.loading import Settings
from cxaudit.report import FileReport
from cxaudit.resources import schema_path
from tests.conftest import ROOT

BANK = (ROOT / "examples" / "bank.flow.yaml").read_text(encoding="utf-8")
SHOP = (ROOT / "examples" / "webshop.flow.yaml").read_text(encoding="utf-8")


@pytest.fixture
def repo(workdir: Path) -> Path:
    """A repository with the bank and the web shop in bots/, as cwd."""
    (workdir / "bots" / "bank.flow.yaml").write_text(BANK, encoding="utf-8")
    (workdir / "bots" / "shop.flow.yaml").write_text(SHOP, encoding="utf-8")
    return workdir


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def file_report(repo: Path, name: str = "bank", config: Path | None = None) -> FileReport:
    report = audit_files(
        [(repo / "bots" / f"{name}.flow.yaml", name)], Settings(language="en", config=config)
    )
    assert not report.errors, [e.render() for e in report.errors]
    return report.files[0]


def test_the_shipped_config_schema_is_built_from_the_catalogue() -> None:
    shipped = json.loads(schema_path("config.schema.json").read_text(encoding="utf-8"))
    assert shipped == build_config_schema(), (
        "run: python -c 'import json; from cxaudit.config import build_config_schema as b; print(json.dumps(b(), indent=2, ensure_ascii=False))' > cxaudit/schemas/config.schema.json"
    )


def test_found_by_walking_up_and_stopping_at_the_repository_root(
    repo: Path, tmp_path: Path
) -> None:
    assert find_config(repo / "bots") is None
    config = write(repo / ".cxaudit.yaml", "fail_under: 90\n")
    assert find_config(repo / "bots") == config
    nested = repo / "bots" / "team"
    nested.mkdir()
    assert find_config(nested) == config
    # Above the repository root nothing counts.
    inner = repo / "sub"
    (inner / ".git").mkdir(parents=True)
    assert find_config(inner) is None


def test_pyproject_tool_section(repo: Path) -> None:
    write(
        repo / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.cxaudit]\nfail_under = 90\n\n[tool.cxaudit.rules.CX10]\nenabled = false\n',
    )
    report = file_report(repo, "shop")
    assert report.fail_under == 90
    assert report.config == ("pyproject.toml",)
    assert next(r for r in report.rules if r.id == "CX10").status.value == "disabled"


def test_a_pyproject_without_the_section_is_not_a_configuration(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(repo / "bots") is None


def test_yaml_wins_over_pyproject_in_the_same_folder(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.cxaudit]\nfail_under = 70\n")
    yaml_config = write(repo / ".cxaudit.yaml", "fail_under: 90\n")
    assert find_config(repo / "bots") == yaml_config


def test_layers_catalogue_profile_file_flags(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "fail_under: 85\nrules:\n  CX02:\n    options: {max_turns: 3}\n")
    configs = read_chain(repo / ".cxaudit.yaml")
    effective = resolve(configs, sector="finance", cli=Overrides())
    assert (effective.profile.value, effective.profile.origin) == ("strict", "sector finance")
    assert effective.rules["CX03"].options["max_misunderstood"].value == 1  # strict profile
    assert effective.rules["CX03"].options["max_misunderstood"].origin == "profile strict"
    assert effective.rules["CX02"].options["max_turns"].value == 3  # the file wins over the profile
    assert effective.rules["CX02"].options["max_turns"].origin == ".cxaudit.yaml:4"
    assert (effective.fail_under.value, effective.fail_under.origin) == (85.0, ".cxaudit.yaml:1")
    flagged = resolve(
        configs, sector="finance", cli=Overrides(profile="recommended", fail_under=60)
    )
    assert (flagged.profile.value, flagged.profile.origin) == ("recommended", "--profile")
    assert flagged.rules["CX03"].options["max_misunderstood"].value == 2
    assert (flagged.fail_under.value, flagged.fail_under.origin) == (60, "--fail-under")


def test_extends_a_profile_and_a_file(repo: Path) -> None:
    write(repo / "base.yaml", "extends: strict\nfail_under: 90\nrules:\n  CX10: {enabled: false}\n")
    write(repo / ".cxaudit.yaml", "extends: base.yaml\nfail_under: 75\n")
    effective = resolve(read_chain(repo / ".cxaudit.yaml"), sector="retail", cli=Overrides())
    assert effective.profile.value == "strict"  # from the base file, over the sector
    assert effective.fail_under.value == 75  # the extending file wins
    assert effective.rules["CX10"].enabled.value is False  # inherited
    assert effective.files == ("base.yaml", ".cxaudit.yaml")


def test_extends_loop_and_missing_target(repo: Path) -> None:
    write(repo / "a.yaml", "extends: b.yaml\n")
    write(repo / "b.yaml", "extends: a.yaml\n")
    with pytest.raises(InputError, match="extend each other in a loop"):
        read_chain(repo / "a.yaml")
    write(repo / "c.yaml", "extends: strcit\n")
    with pytest.raises(InputError, match="is neither a profile"):
        read_chain(repo / "c.yaml")


def test_severity_per_rule_and_per_check(repo: Path) -> None:
    write(
        repo / ".cxaudit.yaml",
        "rules:\n  CX02: {severity: warning}\n  CX03:\n    checks: {unreachable: info}\n",
    )
    report = file_report(repo)
    severities = {(f.rule, f.check): f.severity.value for f in report.findings}
    assert severities[("CX02", "no-global-human")] == "warning"
    assert all(s == "warning" for (rule, _), s in severities.items() if rule == "CX02")
    assert ("CX03", "unreachable") not in severities or severities[
        ("CX03", "unreachable")
    ] == "info"


def test_disabled_rule(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "rules:\n  CX10: {enabled: false}\n")
    report = file_report(repo)
    rule = next(r for r in report.rules if r.id == "CX10")
    assert (rule.status.value, rule.score) == ("disabled", None)
    assert not [f for f in report.findings if f.rule == "CX10"]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("fail_undr: 85\n", 1, "unknown key 'fail_undr'; did you mean 'fail_under'?"),
        ("rules:\n  CX11: {enabled: false}\n", 2, "unknown key 'CX11'; did you mean 'CX10'?"),
        (
            "rules:\n  CX02:\n    options: {max_turn: 1}\n",
            3,
            "unknown key 'max_turn'; did you mean 'max_turns'?",
        ),
        (
            "rules:\n  CX05:\n    checks: {no-wait: error}\n",
            3,
            "unknown key 'no-wait'; did you mean 'no-wait-time'?",
        ),
        ("rules:\n  CX02: {severity: fatal}\n", 2, "'fatal' is not one of: error, warning, info"),
        ("rules:\n  CX02:\n    options: {max_turns: -1}\n", 3, "must be at least 0"),
        ("lang: de\n", 1, "'de' is not one of: en, nl"),
        ("fail_under: 120\n", 1, "fail_under"),
        ("fail_under: .nan\n", 1, "is not a number cxaudit can use"),
        # help_url reaches SARIF's helpUri and every report: a web address only.
        ('help_url: "javascript:alert(1)//{rule}"\n', 1, "is not an http(s) address"),
        ('help_url: "https://example.org/{rule} ::warning::x"\n', 1, "is not an http(s) address"),
    ],
)
def test_invalid_configuration_is_an_input_error(
    repo: Path, text: str, line: int, fragment: str
) -> None:
    write(repo / ".cxaudit.yaml", text)
    report = audit_files([(repo / "bots" / "shop.flow.yaml", "shop")], Settings(language="en"))
    assert report.unchecked == ("shop",)
    (error,) = report.errors
    assert error.path == ".cxaudit.yaml"
    assert error.line == line
    assert fragment in error.message


def test_a_broken_shared_configuration_is_reported_once(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "fail_undr: 85\n")
    report = audit_files(
        [(repo / "bots" / "shop.flow.yaml", "shop"), (repo / "bots" / "bank.flow.yaml", "bank")],
        Settings(language="en"),
    )
    assert len(report.errors) == 1
    assert report.unchecked == ("shop", "bank")


def test_invalid_pyproject_section_names_the_line(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.cxaudit]\nfail_undr = 85\n')
    report = audit_files([(repo / "bots" / "shop.flow.yaml", "shop")], Settings(language="en"))
    (error,) = report.errors
    assert (error.line, "did you mean 'fail_under'?" in error.message) == (5, True)


def test_empty_configuration_file_is_fine(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "# nothing yet\n")
    assert file_report(repo, "shop").fail_under == 80


def test_config_flag_replaces_discovery(repo: Path, tmp_path: Path) -> None:
    write(repo / ".cxaudit.yaml", "fail_under: 90\n")
    other = write(tmp_path / "other.yaml", "fail_under: 50\n")
    assert file_report(repo, "shop", config=other).fail_under == 50
    missing = audit_files(
        [(repo / "bots" / "shop.flow.yaml", "shop")], Settings(config=tmp_path / "nope.yaml")
    )
    assert "no such file" in missing.errors[0].message


def test_config_lang_picks_the_report_language(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "lang: nl\n")
    report = audit_files([(repo / "bots" / "shop.flow.yaml", "shop")], Settings())
    assert report.language == "nl"


def test_config_show(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "fail_under: 85\nrules:\n  CX02:\n    options: {max_turns: 3}\n")
    runner = CliRunner()
    result = runner.invoke(app, ["config", "show", "bots/bank.flow.yaml", "--profile", "strict"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "# cxaudit settings for bots/bank.flow.yaml"
    assert any(
        line.startswith("extends: strict") and line.endswith("# --profile") for line in lines
    )
    assert any(
        line.startswith("fail_under: 85.0") and line.endswith("# .cxaudit.yaml:1") for line in lines
    )
    assert any(
        line.strip().startswith("max_turns: 3") and line.endswith("# .cxaudit.yaml:4")
        for line in lines
    )
    assert any(
        line.strip().startswith("max_misunderstood: 1") and line.endswith("# profile strict")
        for line in lines
    )
    data = json.loads(runner.invoke(app, ["config", "show", "--json"]).output)
    assert data["fail_under"] == {"value": 85.0, "origin": ".cxaudit.yaml:1"}
    assert data["profile"] == {"value": "recommended", "origin": "default"}


def test_config_show_lists_the_excludes(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "exclude: ['*.old.flow.yaml', drafts]\n")
    runner = CliRunner()
    text = runner.invoke(app, ["config", "show"]).output
    assert any(
        line.startswith('exclude: ["*.old.flow.yaml", "drafts"]') and line.endswith(".yaml:1")
        for line in text.splitlines()
    )
    # What config show prints is a configuration a team can copy (the globs quoted).
    assert yaml.safe_load(text)["exclude"] == ["*.old.flow.yaml", "drafts"]
    data = json.loads(runner.invoke(app, ["config", "show", "--json"]).output)
    assert data["exclude"] == {"value": ["*.old.flow.yaml", "drafts"], "origin": ".cxaudit.yaml:1"}


def test_config_show_refuses_a_broken_configuration(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "rules: {CX02: {enabled: maybe}}\n")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 2
    assert ".cxaudit.yaml:1:" in result.output + str(getattr(result, "stderr", ""))


def test_a_check_severity_changes_that_check_only(repo: Path) -> None:
    # The energy bot has CX05 no-wait-time warnings and a human-incomplete error.
    (repo / "bots" / "energy.flow.yaml").write_text(
        (ROOT / "examples" / "energy.flow.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    before = file_report(repo, "energy")
    write(
        repo / ".cxaudit.yaml",
        "rules:\n  CX05:\n    checks: {no-wait-time: error, human-incomplete: info}\n",
    )
    after = file_report(repo, "energy")
    severity = {(f.check, f.line): f.severity.value for f in after.findings if f.rule == "CX05"}
    original = {(f.check, f.line): f.severity.value for f in before.findings if f.rule == "CX05"}
    assert {k for k, v in original.items() if v == "warning"} == {
        k for k, v in severity.items() if k[0] == "no-wait-time"
    }
    assert all(v == "error" for k, v in severity.items() if k[0] == "no-wait-time")
    assert all(v == "info" for k, v in severity.items() if k[0] == "human-incomplete")
    assert all(
        v == original[k]
        for k, v in severity.items()
        if k[0] not in ("no-wait-time", "human-incomplete")
    )


def test_pyproject_positions_point_at_the_right_table(repo: Path) -> None:
    write(
        repo / "pyproject.toml",
        "[tool.cxaudit]\nfail_under = 90\n\n[tool.cxaudit.rules.CX10]\nenabled = false\n\n"
        "[tool.cxaudit.rules.CX05]\nenabled = false\n\n[tool.other]\nenabled = true\n",
    )
    effective = resolve(read_chain(repo / "pyproject.toml"), sector="retail", cli=Overrides())
    assert effective.rules["CX10"].enabled.origin == "pyproject.toml:5"
    assert effective.rules["CX05"].enabled.origin == "pyproject.toml:8"
    assert effective.fail_under.origin == "pyproject.toml:2"


def test_pyproject_inline_table_form(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool]\ncxaudit = {fail_under = 99}\n')
    assert find_config(repo / "bots") == repo / "pyproject.toml"
    effective = resolve(read_chain(repo / "pyproject.toml"), sector="retail", cli=Overrides())
    assert (effective.fail_under.value, effective.fail_under.origin) == (99, "pyproject.toml:5")


def test_invalid_toml_names_line_and_column(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.cxaudit]\nfail_under = \n")
    report = audit_files([(repo / "bots" / "shop.flow.yaml", "shop")], Settings(language="en"))
    (error,) = report.errors
    assert (error.path, error.line) == ("pyproject.toml", 2)
    assert error.message.startswith("invalid TOML: ")
    assert "(at line" not in error.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("fail_under: 850\n", "fail_under: must be at most 100, got 850"),
        ("extends: recomended\n", "did you mean 'recommended'?"),
    ],
)
def test_messages_say_what_was_meant(repo: Path, text: str, fragment: str) -> None:
    write(repo / ".cxaudit.yaml", text)
    report = audit_files([(repo / "bots" / "shop.flow.yaml", "shop")], Settings(language="en"))
    (error,) = report.errors
    assert fragment in error.message


def test_flags_reach_the_check(repo: Path) -> None:
    write(repo / ".cxaudit.yaml", "fail_under: 10\n")
    other = write(repo / "other.yaml", "fail_under: 99\n")
    runner = CliRunner()

    def settings(*args: str) -> dict:  # type: ignore[type-arg]
        result = runner.invoke(app, ["check", "bots/shop.flow.yaml", "--format", "json", *args])
        return json.loads(result.stdout)["files"][0]  # type: ignore[no-any-return]

    assert settings()["fail_under"] == 10
    assert settings("--config", str(other))["fail_under"] == 99
    assert settings("--fail-under", "55")["fail_under"] == 55
    assert settings()["profile"] == "recommended"
    assert settings("--profile", "strict")["profile"] == "strict"
    flow = repo / "bots" / "shop.flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8")
        + 'waivers:\n  - {rule: CX10, reason: "nothing to waive"}\n',
        encoding="utf-8",
    )
    notes = [f["severity"] for f in settings()["findings"] if f["check"] == "waiver-unused"]
    assert notes == ["info"]
    strict = [
        f["severity"]
        for f in settings("--strict-waivers")["findings"]
        if f["check"] == "waiver-unused"
    ]
    assert strict == ["error"]
    assert [f for f in settings("--no-waivers")["findings"] if f["check"] == "waiver-unused"] == []


def test_a_hostile_pyproject_is_an_input_error_or_read_as_usual(repo: Path) -> None:
    """Nested 100,000 deep: an error naming the file (Python's TOML reader would recurse too
    deep); a 200,000-character line that opens a table: read as usual (its position is not
    looked for, the patterns that place keys would take quadratic time on it)."""
    shop = repo / "bots" / "shop.flow.yaml"
    write(repo / "pyproject.toml", "[tool.cxaudit]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n")
    report = audit_files([(shop, "shop")], Settings(language="en"))
    (error,) = report.errors
    assert (error.path, error.message) == (
        "pyproject.toml",
        "nested too deep: over the limit of 100 levels; if this is a real bot, raise it with --limit depth=N",
    )
    long_line = "[[" + " " * 200_000 + "x"  # inside a multi-line string: valid TOML
    write(
        repo / "pyproject.toml",
        f'[tool.cxaudit]\nfail_under = 50\n[x]\ns = """\n{long_line}\n"""\n',
    )
    report = audit_files([(shop, "shop")], Settings(language="en"))
    assert report.errors == () and report.files[0].fail_under == 50
