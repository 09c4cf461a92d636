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


def _cli_json(arguments: list[str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cxaudit", "check", *arguments, "--format", "json", "--lang", "en"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1, 2), done.stderr
    return done.stdout


def _same_report(arguments: list[str], cwd: Path) -> None:
    before = Path.cwd()
    os.chdir(cwd)  # the names shown are the arguments as given, relative to the working folder
    try:
        report = cxaudit.audit(arguments, cxaudit.Settings(language="en"))
    finally:
        os.chdir(before)
    assert report.files or report.errors
    assert get("json")(report, RenderOptions()) == _cli_json(arguments, cwd)


@pytest.mark.parametrize(
    "arguments",
    [
        ["examples"],  # a folder searched for flow files
        ["examples/bank.flow.yaml", "examples/*.flow.yaml"],  # a file and a glob naming it again
        ["examples/webshop.flow.yaml", "no-such.flow.yaml", "docs"],  # input errors join in
    ],
    ids=["folder", "glob", "errors"],
)
def test_the_library_reports_what_the_command_line_reports(arguments: list[str]) -> None:
    _same_report(arguments, ROOT)


@needs_shared("corpus", "RasaHQ__financial-demo")
def test_a_project_folder_is_imported_the_same_way() -> None:
    _same_report([RASA.name], RASA.parent)


def test_settings_reach_the_report() -> None:
    bank = ROOT / "examples" / "bank.flow.yaml"
    report = cxaudit.audit([bank], cxaudit.Settings(language="nl"))
    assert isinstance(report, cxaudit.Report)
    assert report.language == "nl"
    assert report.files[0].path == str(bank)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        cxaudit.nothing  # noqa: B018
