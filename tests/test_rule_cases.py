"""Data-driven rule tests: one YAML file of cases per rule in tests/cases/.

Each case is a complete flow file. A comment ``#! CX03/no-fallback@9`` on a line says: this
rule reports that check on this line, at column 9. A case's findings for its rule must be
exactly the ones marked, no more, no fewer (every severity, info included). A case may set the
rule's ``options:`` (as a configuration file would: ``options: {max_turns: 0}``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxaudit.checks import REGISTRY
from tests.conftest import AuditText

CASES = Path(__file__).parent / "cases"
MARK = re.compile(r"#!((?:\s+CX\d\d/[\w-]+@\d+)+)\s*$")
EXPECT = re.compile(r"(CX\d\d)/([\w-]+)@(\d+)")


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("cx*.yaml")):
        rule = path.stem.upper()
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(rule, case, id=f"{rule}: {case['name']}"))
    return params


def expectations(flow: str, rule: str) -> set[tuple[str, int, int]]:
    found = set()
    for number, line in enumerate(flow.splitlines(), start=1):
        mark = MARK.search(line)
        if mark:
            for marked_rule, check, column in EXPECT.findall(mark.group(1)):
                if marked_rule == rule:
                    found.add((check, number, int(column)))
    return found


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_rule_case(rule: str, case: dict[str, Any], check_text: AuditText, tmp_path: Path) -> None:
    settings: dict[str, Any] = {}
    if "options" in case:
        config = tmp_path / "case.cxaudit.yaml"
        config.write_text(yaml.safe_dump({"rules": {rule: {"options": case["options"]}}}))
        settings["config"] = config
    report = check_text(case["flow"], language=case.get("lang", "en"), **settings)
    assert not report.errors, [d.render() for d in report.errors]
    (file_report,) = report.files
    got = {(f.check, f.line, f.column) for f in file_report.findings if f.rule == rule}
    assert got == expectations(case["flow"], rule)
    status = next(r.status.value for r in file_report.rules if r.id == rule)
    if "status" in case:
        assert status == case["status"]


def test_every_rule_has_cases() -> None:
    for rule in REGISTRY:
        path = CASES / f"{rule.lower()}.yaml"
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        marked = [c for c in cases if expectations(c["flow"], rule)]
        clean = [c for c in cases if not expectations(c["flow"], rule)]
        assert marked, f"{path.name} has no failing case"
        assert clean, f"{path.name} has no passing case"
