"""The library entry point: `cxaudit.audit` gives a Python caller exactly the command line's
report, discovery and input errors included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import cxaudit
from cxaudit.formatters import RenderOptions, get
from tests.conftest import ROOT, SHARED, needs_shared

RASA = SHARED / "corpus" / "RasaHQ__financial-demo"


#: The reader's locale, the same for the command line and the library (it picks the language).
LOCALE = {"LANG": "nl_NL.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def _cli(arguments: list[str], cwd: Path) -> tuple[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "cxaudit", "check", *arguments, "--format", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **LOCALE},
    )
    return done.stdout, done.returncode


def _same_report(arguments: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library and the command line give the same JSON, and the exit code the report says,
    with nothing pinned: the language comes from the reader's locale on both sides."""
    monkeypatch.chdir(cwd)  # the names shown are the arguments as given, relative to it
    for name, value in LOCALE.items():
        monkeypatch.setenv(name, value)
    report = cxaudit.audit(arguments)
    assert report.files or report.errors
    text, code = _cli(arguments, cwd)
    assert get("json")(report, RenderOptions()) == text
    assert code == (2 if report.errors else 0 if report.passed else 1)


@pytest.mark.parametrize(
    "arguments",
    [
        ["examples"],  # a folder searched for flow files
        ["examples/bank.flow.yaml", "examples/*.flow.yaml"],  # a file and a glob naming it again
        ["examples/webshop.flow.yaml", "no-such.flow.yaml", "docs"],  # input errors join in
    ],
    ids=["folder", "glob", "errors"],
)
def test_the_library_reports_what_the_command_line_reports(
    arguments: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _same_report(arguments, ROOT, monkeypatch)


@needs_shared("corpus", "RasaHQ__financial-demo")
def test_a_project_folder_is_imported_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    _same_report([RASA.name], RASA.parent, monkeypatch)


def test_one_path_is_one_argument() -> None:
    bank = ROOT / "examples" / "bank.flow.yaml"
    assert cxaudit.audit(bank).files == cxaudit.audit([bank]).files
    assert [f.path for f in cxaudit.audit(str(bank)).files] == [str(bank)]


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("language", "fr", "reports are written in en, nl"),
        ("profile", "strcit", "one of recommended, strict"),
        ("fail_under", float("nan"), "a number from 0 to 100"),
        ("fail_under", 150, "a number from 0 to 100"),
        ("source_format", "Rasa", "one of rasa, rasa-calm"),
    ],
)
def test_settings_refuse_what_the_command_line_refuses(
    setting: str, value: object, says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        cxaudit.Settings(**{setting: value})  # type: ignore[arg-type]


def test_settings_reach_the_report() -> None:
    bank = ROOT / "examples" / "bank.flow.yaml"
    report = cxaudit.audit([bank], cxaudit.Settings(language="nl"))
    assert isinstance(report, cxaudit.Report)
    assert report.language == "nl"
    assert report.files[0].path == str(bank)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        cxaudit.nothing  # noqa: B018
