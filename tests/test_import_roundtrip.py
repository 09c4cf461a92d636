"""`cxaudit import` round-trips: the flow file it writes for a corpus project gets the same
findings and the same score as the project itself (only the import notes stay behind, in the
file's header)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cxaudit.catalogue import import_checks
from cxaudit.engine import audit_files
from cxaudit.importers.load import import_path
from cxaudit.importers.write import _Dumper, render_flow
from cxaudit.loader import load_text
from cxaudit.loading import Settings
from cxaudit.report import FileReport
from tests.conftest import SHARED, needs_shared

CORPUS = SHARED / "corpus"
PROJECTS = [
    "RasaHQ__financial-demo",
    "rasa-customers__starterpack-retail-banking-en",
    "Wiikay__CCAI",
    *(
        f"GoogleCloudPlatform__dialogflow-virtual-agents-financial-services/agent-template-{kind}"
        for kind in ("banking", "capital-markets", "insurance")
    ),
    "GoogleCloudPlatform__contact-center-ai-samples/goodbye-graffiti-agent/agent",
    "GoogleCloudPlatform__contact-center-ai-samples/blood-donation-agent/"
    "exported_agent_Lifeblood Donation Agent",
    "GoogleCloudPlatform__contact-center-ai-samples/divebooker-agent/divebooker-agent",
    "GoogleCloudPlatform__dialogflow-ccai-omnichannel/dialogflow/es-agent",
]


def rule_findings(report: FileReport) -> list[tuple[str, str, str | None, int]]:
    """The rule findings, by what they are about (a project's findings are worded for its
    platform, the written flow file's for a flow file)."""
    notes = set(import_checks())
    return sorted(
        (f.rule, f.check, f.step, f.count) for f in report.findings if f.check not in notes
    )


@needs_shared("corpus")
@pytest.mark.parametrize("name", PROJECTS)
def test_the_written_flow_file_checks_the_same(name: str, tmp_path: Path) -> None:
    project = CORPUS / name
    direct = audit_files([(project, name)], Settings(language="en"))
    assert direct.errors == ()
    text = render_flow(import_path(project, name))
    written = tmp_path / f"{Path(name).name}.flow.yaml"
    written.write_text(text, encoding="utf-8")
    again = audit_files([(written, written.name)], Settings(language="en"))
    assert again.errors == ()
    assert rule_findings(again.files[0]) == rule_findings(direct.files[0])
    assert again.files[0].score == direct.files[0].score
    # Every note is in the header, as a comment, so nothing the import learned is lost.
    header = [line for line in text.splitlines() if line.startswith("# - ")]
    assert len(header) == sum(1 for f in direct.files[0].findings if f.check in import_checks())
    assert yaml.safe_load(text)["cxaudit"] == 1


@needs_shared("corpus")
@pytest.mark.parametrize("name", PROJECTS)
def test_importing_twice_writes_the_same_bytes(name: str) -> None:
    first = render_flow(import_path(CORPUS / name, name))
    assert render_flow(import_path(CORPUS / name, name)) == first


@given(st.lists(st.text(max_size=12) | st.from_regex(r"[-+0-9.eExXoO:~<]{1,6}", fullmatch=True)))
def test_written_strings_read_back_as_the_same_strings(values: list[str]) -> None:
    """The writer quotes by YAML 1.2 (``08`` is a number there), the way cxaudit reads."""
    text = yaml.dump({"x": values}, Dumper=_Dumper, allow_unicode=True)
    assert load_text(text, "t.yaml").data == {"x": values}
