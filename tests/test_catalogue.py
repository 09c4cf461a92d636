"""The rule catalogue is complete, agrees with the rule code, and its examples do what they say.

The catalogue (rules/catalogue/CX*.yaml) feeds the report, `cxaudit rules` and `cxaudit explain`.
These meta-tests keep it in step with cxaudit.checks: every check id a rule module can emit has
an entry, every message can be filled by the parameters the rule passes, and every `fail`
example breaks its rule while every `pass` example keeps it.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxaudit.catalogue import PLATFORMS, CheckInfo, RuleInfo, catalogue
from cxaudit.checks import REGISTRY, _texts
from cxaudit.cli import app
from cxaudit.engine import audit_files
from cxaudit.languages import LANGUAGES
from cxaudit.loading import Settings
from cxaudit.report import FileReport, Finding, Severity

RULE_IDS = [f"CX{number:02d}" for number in range(1, 11)]
AREAS = {"clear-explanation", "human-contact", "correct-service", "data", "tone"}
SEVERITIES = {"error", "warning", "info"}
BLOCKING = {Severity.ERROR, Severity.WARNING}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
FIGURE = re.compile(r"\d+(?:[.,]\d+)?%")
#: Parameters the engine gives every message, whatever the rule passes.
ENGINE_PARAMS = {"step", "count", "steps", "more"}


def rules() -> list[RuleInfo]:
    return list(catalogue().values())


def rule_params() -> list[object]:
    return [pytest.param(rule, id=rule.id) for rule in rules()]


# -- what the rule modules can emit, read from their source --------------------------------


def _strings(node: ast.AST) -> set[str]:
    """The strings an expression can evaluate to: `"a" if x == "z" else "b"` gives a and b."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_strings(value) for value in node.values))
    return set()


def _add_calls(tree: ast.AST, receiver: str) -> Iterator[ast.Call]:
    """Calls of ``<receiver>.add(...)`` in a syntax tree."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == receiver
            and node.args
        ):
            yield node


def _emitted(tree: ast.AST, receiver: str) -> dict[str, set[str]]:
    """Check id -> the keyword parameters passed with it, for every ``add`` call in ``tree``.

    The check id is a string literal, a conditional between literals, or a local name assigned
    from those (``check_id = "a" if x else "b"``).
    """
    assigned: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, set()).update(_strings(node.value))
    found: dict[str, set[str]] = {}
    for call in _add_calls(tree, receiver):
        first = call.args[0]
        ids = assigned.get(first.id, set()) if isinstance(first, ast.Name) else _strings(first)
        assert ids, f"cannot tell which check id {ast.unparse(first)} is"
        params = {kw.arg for kw in call.keywords if kw.arg is not None}
        for check_id in ids:
            found.setdefault(check_id, set()).update(params)
    return found


@cache
def _missing_lexicon_checks() -> dict[str, set[str]]:
    """What _texts.report_missing_lexicons emits, for the rules that call it."""
    tree = ast.parse(inspect.getsource(_texts.report_missing_lexicons))
    return _emitted(tree, "collector")


@cache
def emitted_checks(rule_id: str) -> dict[str, set[str]]:
    """Check id -> keyword parameters, for every check the rule's module can report."""
    module = inspect.getmodule(REGISTRY[rule_id])
    assert module is not None
    source = Path(inspect.getsourcefile(module) or "").read_text(encoding="utf-8")
    tree = ast.parse(source)
    found = _emitted(tree, "out")
    calls_helper = any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "report_missing_lexicons"
        for node in ast.walk(tree)
    )
    if calls_helper:
        for check_id, params in _missing_lexicon_checks().items():
            found.setdefault(check_id, set()).update(params)
    return found


# -- the catalogue itself -------------------------------------------------------------------


def test_catalogue_and_registry_have_the_same_rules() -> None:
    assert list(catalogue()) == RULE_IDS
    assert list(REGISTRY) == RULE_IDS


@pytest.mark.parametrize("rule", rule_params())
def test_rule_texts_exist_in_every_language(rule: RuleInfo) -> None:
    for field in ("name", "summary", "description"):
        texts = getattr(rule, field)
        for lang in LANGUAGES:
            assert texts.get(lang, "").strip(), f"{rule.id}: {field} has no {lang} text"
    assert rule.name["en"] != rule.name["nl"], f"{rule.id}: the Dutch name is not translated"


@pytest.mark.parametrize("rule", rule_params())
def test_rule_has_evidence_with_sources(rule: RuleInfo) -> None:
    assert len(rule.evidence) >= 2, f"{rule.id}: fewer than 2 evidence items"
    for item in rule.evidence:
        assert item.source.strip(), f"{rule.id}: evidence without a source: {item.text}"
        for lang in LANGUAGES:
            assert item.text.get(lang, "").strip(), f"{rule.id}: evidence without {lang} text"


@pytest.mark.parametrize("rule", rule_params())
def test_rule_weight_area_and_options(rule: RuleInfo) -> None:
    assert rule.weight > 0
    assert rule.area in AREAS
    for option in rule.options.values():
        assert option.default is not None, f"{rule.id}.{option.name}: no default"
        for lang in LANGUAGES:
            assert option.description.get(lang, "").strip(), (
                f"{rule.id}.{option.name}: no {lang} description"
            )


@pytest.mark.parametrize("rule", rule_params())
def test_checks_have_severity_and_matching_texts(rule: RuleInfo) -> None:
    assert rule.checks, f"{rule.id}: no checks"
    for check in rule.checks.values():
        assert check.severity in SEVERITIES, f"{rule.id}/{check.id}: severity {check.severity}"
        for kind in ("message", "hint"):
            texts = getattr(check, kind)
            for lang in LANGUAGES:
                assert texts.get(lang, "").strip(), f"{rule.id}/{check.id}: no {lang} {kind}"
            en, nl = (set(PLACEHOLDER.findall(texts[lang])) for lang in LANGUAGES)
            assert en == nl, f"{rule.id}/{check.id}: {kind} placeholders differ: en {en}, nl {nl}"


@pytest.mark.parametrize("rule", rule_params())
def test_every_emitted_check_is_in_the_catalogue(rule: RuleInfo) -> None:
    emitted = set(emitted_checks(rule.id))
    assert emitted, f"{rule.id}: found no out.add(...) calls in its module"
    missing = emitted - set(rule.checks)
    assert not missing, f"{rule.id}: the module emits checks the catalogue lacks: {missing}"


@pytest.mark.parametrize("rule", rule_params())
def test_every_catalogued_check_can_be_emitted(rule: RuleInfo) -> None:
    stale = set(rule.checks) - set(emitted_checks(rule.id))
    assert not stale, f"{rule.id}: catalogue checks no code reports: {stale}"


def options_read(rule_id: str) -> set[str]:
    """The option names a rule's module reads: ``options["name"]`` and ``options.get("name")``."""
    module = inspect.getmodule(REGISTRY[rule_id])
    assert module is not None
    tree = ast.parse(inspect.getsource(module))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "options"
            and isinstance(node.slice, ast.Constant)
        ):
            found.add(str(node.slice.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "options"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return found


@pytest.mark.parametrize("rule", rule_params())
def test_the_options_a_rule_reads_are_the_catalogues(rule: RuleInfo) -> None:
    """A rule reads exactly the options its catalogue entry declares (and configuration checks)."""
    assert options_read(rule.id) == set(rule.options)


def test_the_option_reader_reads_a_rules_module() -> None:
    assert options_read("CX06") == {"max_turns", "direct_handoff"}


@pytest.mark.parametrize("rule", rule_params())
def test_message_placeholders_are_parameters_the_rule_passes(rule: RuleInfo) -> None:
    emitted = emitted_checks(rule.id)
    for check in rule.checks.values():
        given = ENGINE_PARAMS | emitted.get(check.id, set())
        for kind in ("message", "hint"):
            for lang in LANGUAGES:
                used = set(PLACEHOLDER.findall(getattr(check, kind)[lang]))
                assert used <= given, (
                    f"{rule.id}/{check.id}: {lang} {kind} uses {used - given}, "
                    f"which the rule does not pass"
                )


# -- the examples ---------------------------------------------------------------------------


def example_params() -> list[object]:
    return [
        pytest.param(rule.id, kind, id=f"{rule.id}-{kind}")
        for rule in rules()
        for kind in ("fail", "pass")
    ]


def run_example(rule_id: str, kind: str, tmp_path: Path) -> FileReport:
    rule = catalogue()[rule_id]
    text = rule.example_fail if kind == "fail" else rule.example_pass
    assert text.strip(), f"{rule_id}: no {kind} example"
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    report = audit_files([(path, "flow.yaml")], Settings(language="en"))
    assert not report.errors, [d.render() for d in report.errors]
    (file_report,) = report.files
    return file_report


def blocking(findings: tuple[Finding, ...], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id and f.severity in BLOCKING]


def skip_if_rule_cannot_read(file_report: FileReport, rule_id: str) -> None:
    """A text rule without its lexicon cannot judge texts: that is not the example's fault."""
    unread = [f for f in file_report.findings if f.rule == rule_id and f.check == "no-lexicon"]
    if unread:
        pytest.skip(f"{rule_id} cannot judge texts yet: " + " ".join(f.message for f in unread))


@pytest.mark.parametrize(("rule_id", "kind"), example_params())
def test_example_breaks_or_keeps_its_rule(rule_id: str, kind: str, tmp_path: Path) -> None:
    file_report = run_example(rule_id, kind, tmp_path)
    found = blocking(file_report.findings, rule_id)
    if kind == "pass":
        assert not found, [f"{f.check}: {f.message}" for f in found]
        return
    if not found:
        skip_if_rule_cannot_read(file_report, rule_id)
    assert found, f"the fail example of {rule_id} produces no error or warning of {rule_id}"


@pytest.mark.parametrize(("rule_id", "kind"), example_params())
def test_example_touches_no_other_rule(rule_id: str, kind: str, tmp_path: Path) -> None:
    """A pass example is a clean bot, and a fail example breaks only its own rule."""
    file_report = run_example(rule_id, kind, tmp_path)
    others = [
        f"{f.rule}/{f.check}: {f.message}"
        for f in file_report.findings
        if f.rule != rule_id and f.severity in BLOCKING
    ]
    assert not others


# -- cxaudit explain ------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def output_of(result: object) -> str:
    return str(getattr(result, "output", "") or "") + str(getattr(result, "stderr", "") or "")


@pytest.mark.parametrize("spelling", ["CX03", "cx03", "3"])
def test_explain_shows_the_whole_entry(runner: CliRunner, spelling: str) -> None:
    rule = catalogue()["CX03"]
    result = runner.invoke(app, ["explain", spelling])
    assert result.exit_code == 0, output_of(result)
    out = result.output
    assert out.startswith(f"CX03: {rule.name['en']}")
    figures = [f for item in rule.evidence for f in FIGURE.findall(item.text["en"])]
    assert figures, "CX03 evidence names no figure"
    assert figures[0] in out
    for item in rule.evidence:
        assert item.source.split()[0] in out
    assert rule.options, "CX03 has no options to show"
    for option in rule.options.values():
        assert f"{option.name}: {option.default}" in out
    assert "Fails:" in out
    assert "Passes:" in out


def test_explain_every_rule_in_both_languages(runner: CliRunner) -> None:
    for rule in rules():
        for lang in LANGUAGES:
            result = runner.invoke(app, ["explain", rule.id, "--lang", lang])
            assert result.exit_code == 0, output_of(result)
            assert rule.name[lang] in result.output


def test_explain_unknown_rule_suggests_one(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", "CX11"])
    assert result.exit_code == 2
    assert "did you mean" in output_of(result).lower()


def test_explain_in_dutch(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", "CX02", "--lang", "nl"])
    assert result.exit_code == 0, output_of(result)
    assert catalogue()["CX02"].name["nl"] in result.output
    assert "Een mens is altijd bereikbaar" in result.output


@pytest.mark.parametrize("rule", rule_params())
def test_platform_texts_are_complete_and_use_what_the_rule_passes(rule: RuleInfo) -> None:
    """A check's words for a Rasa or Dialogflow project: both languages, the same placeholders
    in each, and only placeholders the rule (or the engine) fills."""
    emitted = emitted_checks(rule.id)
    for check in rule.checks.values():
        given = ENGINE_PARAMS | emitted.get(check.id, set())
        for platform, kinds in check.platforms.items():
            assert platform in PLATFORMS
            for kind, texts in kinds.items():
                where = f"{rule.id}/{check.id} {platform} {kind}"
                assert all(texts.get(lang, "").strip() for lang in LANGUAGES), where
                en, nl = (set(PLACEHOLDER.findall(texts[lang])) for lang in LANGUAGES)
                assert en == nl, f"{where}: placeholders differ: en {en}, nl {nl}"
                assert en <= given, f"{where}: uses {en - given}, which the rule does not pass"


def test_a_platform_text_replaces_the_flow_file_text_for_that_platform_only() -> None:
    check = CheckInfo(
        "x",
        "error",
        {"en": "m", "nl": "m-nl"},
        {"en": "h", "nl": "h-nl"},
        platforms={"rasa": {"hint": {"en": "rasa h", "nl": "rasa h-nl"}}},
    )
    assert check.text("hint", "nl", "rasa") == "rasa h-nl"
    assert check.text("message", "nl", "rasa") == "m-nl"  # no Rasa message: the general one
    assert check.text("hint", "en", "dialogflow-cx") == "h"
    assert check.text("hint", "en") == "h"


def test_the_module_examples_hold() -> None:
    import doctest

    import cxaudit.catalogue

    assert doctest.testmod(cxaudit.catalogue).attempted > 0
    assert doctest.testmod(cxaudit.catalogue).failed == 0
