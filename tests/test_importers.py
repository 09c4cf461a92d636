"""The import framework: detection, archives, overlays, notes, locations and `cxaudit import`.

The real importers are tested on the corpus in test_import_rasa.py and
test_import_dialogflow_cx.py; here a small fake importer stands in, so that what every importer
relies on is tested on its own.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxaudit.budget import Limits
from cxaudit.catalogue import import_checks
from cxaudit.cli import app
from cxaudit.engine import audit_files
from cxaudit.importers import load
from cxaudit.importers.base import Origin, Project
from cxaudit.importers.load import detect, import_path
from cxaudit.loading import Settings
from tests.conftest import EXAMPLES, SHARED, needs_shared

AGENT = {"displayName": "Fake", "defaultLanguageCode": "en"}
PAGE = {
    "name": "welcome",
    "text": "Hello! I'm Fakey, a digital assistant. Ask for a person at any time.",
}


def fake_build(project: Project) -> None:
    """A stand-in importer: one flow from agent.json and pages/*.json, with origins and a note."""
    agent = project.read(project.root / "agent.json")
    assert agent is not None
    steps = []
    for i, file in enumerate(sorted((project.root / "flows").glob("*.json"))):
        page = project.read(file)
        assert page is not None
        step = {"id": page.data["name"], "say": page.data["text"]}
        if "handoff" in page.data:
            step["handoff"] = page.data["handoff"]
        else:
            step["end"] = True
        steps.append(step)
        project.origin(("flows", 0, "steps", i), Origin(page))
        project.origin(("flows", 0, "steps", i, "say"), Origin(page, ("text",)))
    project.data = {
        "cxaudit": 1,
        "bot": {"name": agent.data["displayName"], "languages": ["en"]},
        "humans": [{"id": "agents", "channel": "live_chat"}],
        # Every page can open a conversation (a part no customer reaches is checked once).
        "intents": [{"id": f"open_{step['id']}", "goto": step["id"]} for step in steps],
        "flows": [{"id": "main", "steps": steps}],
    }
    project.origin(("bot",), Origin(agent, ("displayName",)))
    project.note("generated-text", None, None, name=["welcome"])


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    original = load.builder
    monkeypatch.setattr(
        load, "builder", lambda kind: fake_build if kind == "dialogflow-cx" else original(kind)
    )


def export(folder: Path, pages: dict[str, dict[str, str]] | None = None) -> Path:
    """A minimal Dialogflow-CX-shaped folder for the fake importer."""
    (folder / "flows").mkdir(parents=True)
    (folder / "agent.json").write_text(json.dumps(AGENT, indent=2), encoding="utf-8")
    for name, page in (pages or {"a-welcome.json": PAGE}).items():
        (folder / "flows" / name).write_text(json.dumps(page, indent=2), encoding="utf-8")
    return folder


def zipped(folder: Path, archive: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(archive, "w") as bundle:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                bundle.write(file, f"export/{file.relative_to(folder).as_posix()}")
        for name, content in (extra or {}).items():
            bundle.writestr(name, content)
    return archive


# Detection ---------------------------------------------------------------------------------


def make(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "kind"),
    [
        ({"domain.yml": "version: '3.1'\n", "data/nlu.yml": "nlu: []\n"}, "rasa"),
        ({"domain/shared.yml": "responses: {}\n", "data/nlu.yml": "nlu: []\n"}, "rasa"),
        ({"domain.yml": "{}\n", "data/flows/x.yml": "flows:\n  x: {steps: []}\n"}, "rasa-calm"),
        (
            {"agent.json": "{}", "flows/Default Start Flow/Default Start Flow.json": "{}"},
            "dialogflow-cx",
        ),
        ({"domain.yml": "{}\n"}, None),  # no data/
        ({"agent.json": "{}", "intents/x.json": "{}"}, "dialogflow-es"),  # no flows/
        ({"bot.flow.yaml": "cxaudit: 1\n"}, None),
    ],
)
def test_detect(tmp_path: Path, files: dict[str, str], kind: str | None) -> None:
    assert detect(make(tmp_path, files)) == kind


def test_detect_an_archive(tmp_path: Path) -> None:
    archive = zipped(export(tmp_path / "src"), tmp_path / "agent.zip")
    assert detect(archive) == "dialogflow-cx"
    (tmp_path / "other.zip").write_bytes(b"not a zip")
    assert detect(tmp_path / "other.zip") is None


def test_not_a_project_lists_what_was_looked_for(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["check", "--from", "dialogflow-cx", str(tmp_path / "nothing")]
    )
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


# Checking a project ------------------------------------------------------------------------


def test_a_project_is_checked_as_one_bot_with_findings_in_its_files(
    tmp_path: Path, fake: None
) -> None:
    folder = export(
        tmp_path / "agent",
        {
            "a-welcome.json": PAGE,
            "b-bye.json": {"name": "bye", "text": "I understand how you feel. Bye!"},
        },
    )
    report = audit_files([(folder, "agent")], Settings(language="en"))
    assert report.errors == ()
    (file,) = report.files
    # The bot introduces itself ("I'm Fakey, a digital assistant"): that is its name.
    assert file.path == "agent" and file.bot == "Fakey"
    empathy = [f for f in file.findings if f.rule == "CX10"]
    assert empathy, [f.rule for f in file.findings]
    assert empathy[0].path == "agent/flows/b-bye.json"
    assert (empathy[0].line, empathy[0].column) == (3, 11)  # the "text" value in that file
    assert empathy[0].data_path == "/text"  # a JSON pointer into that file


def _note_calls() -> dict[str, set[str]]:
    """Every note the importers make (``project.note``, ``.unsupported`` and ``Note(...)``), by
    check id, with the names of the parameters it is given."""
    import ast

    from tests.conftest import ROOT

    calls: dict[str, set[str]] = {}
    for path in sorted((ROOT / "cxaudit" / "importers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = name or (node.func.id if isinstance(node.func, ast.Name) else None)
            if name not in ("note", "unsupported", "Note"):
                continue
            if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
                if path.name == "base.py":  # the helpers themselves pass theirs on
                    continue
                raise AssertionError(f"{path}:{node.lineno}: a note's check must be a literal")
            check = first.value
            params = {k.arg for k in node.keywords if k.arg is not None}
            if name == "Note" and len(node.args) > 2 and isinstance(node.args[2], ast.Dict):
                keys = node.args[2].keys
                params |= {
                    k.value
                    for k in keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
            calls.setdefault(check, set()).update(params)
    return calls


def test_every_note_is_in_the_catalogue_in_every_language() -> None:
    """The importers and rules/catalogue/imports.yaml agree: each note an importer makes has
    a message and hint in every report language, whose placeholders are the parameters the
    importer gives (and the rule); no entry is left that no importer makes."""
    import re
    from typing import get_args

    from cxaudit.catalogue import import_checks
    from cxaudit.importers.base import Unsupported
    from cxaudit.languages import LANGUAGES

    calls = _note_calls()
    checks = import_checks()
    assert set(calls) == set(checks)
    assert set(get_args(Unsupported)) <= set(checks)
    for check, params in calls.items():
        info = checks[check]
        for language in LANGUAGES:
            for text in (info.message[language], info.hint[language]):
                assert text, (check, language)
                assert set(re.findall(r"\{(\w+)\}", text)) <= params | {"rule"}, (check, text)
        wanted = set(re.findall(r"\{(\w+)\}", info.message["en"]))
        assert params <= wanted, (check, params - wanted)  # every parameter is shown


def test_notes_are_reported_in_every_language_and_never_scored(tmp_path: Path, fake: None) -> None:
    folder = export(tmp_path / "agent")
    en = audit_files([(folder, "agent")], Settings(language="en")).files[0]
    nl = audit_files([(folder, "agent")], Settings(language="nl")).files[0]
    (note,) = [f for f in en.findings if f.check == "generated-text"]
    assert note.rule == "import" and note.path == "agent"
    assert "Written by a language model at run time: 'welcome'." in note.message
    (dutch,) = [f for f in nl.findings if f.check == "generated-text"]
    assert "Tijdens het gesprek door een taalmodel geschreven: 'welcome'." in dutch.message
    # A note concerns no rule's score: the rules count only their own findings.
    counted = sum(r.infos + r.warnings + r.errors for r in en.rules)
    assert note.fingerprint and counted == sum(1 for f in en.findings if f.rule != "import")


def test_an_overlay_adds_what_the_export_cannot_say(tmp_path: Path, fake: None) -> None:
    folder = export(tmp_path / "agent")
    before = audit_files([(folder, "agent")], Settings(language="en")).files[0]
    (folder / "cxaudit.overlay.yaml").write_text(
        "bot:\n  sector: telecom\nhumans:\n  - {id: agents, channel: live_chat, hours: 24/7}\n"
        "waivers:\n  - {rule: CX02, reason: the fake has no handoff yet}\n",
        encoding="utf-8",
    )
    after = audit_files([(folder, "agent")], Settings(language="en")).files[0]
    assert before.sector != "telecom" and after.sector == "telecom"
    assert any(f.rule == "CX02" and f.counts for f in before.findings)
    assert all(not f.counts for f in after.findings if f.rule == "CX02")


def test_a_broken_overlay_is_an_input_error_in_the_overlay(tmp_path: Path, fake: None) -> None:
    folder = export(tmp_path / "agent")
    (folder / "cxaudit.overlay.yaml").write_text(
        "bot: {sector: telecom}\nhumen: []\n", encoding="utf-8"
    )
    report = audit_files([(folder, "agent")], Settings(language="en"))
    (error,) = report.errors
    assert (error.path, error.line, error.column) == ("agent/cxaudit.overlay.yaml", 2, 1)
    assert (
        "'humen' cannot be overlaid" in error.message and "did you mean 'humans'" in error.message
    )


# Archives ----------------------------------------------------------------------------------


def test_an_archive_is_unpacked_and_named_in_locations(tmp_path: Path, fake: None) -> None:
    pages = {"b-bye.json": {"name": "bye", "text": "I understand how you feel. Bye!"}}
    archive = zipped(export(tmp_path / "src", pages), tmp_path / "agent.blob")
    report = audit_files([(archive, "agent.blob")], Settings(language="en"))
    assert report.errors == ()
    assert report.files[0].bot == "Fake"
    empathy = next(f for f in report.files[0].findings if f.rule == "CX10")
    assert (empathy.path, empathy.line) == ("agent.blob/flows/b-bye.json", 3)


@pytest.mark.parametrize("name", ["../evil.json", "/abs/evil.json"])
def test_an_archive_may_not_write_outside_its_folder(tmp_path: Path, fake: None, name: str) -> None:
    archive = zipped(export(tmp_path / "src"), tmp_path / "agent.zip", {name: b"{}"})
    report = audit_files([(archive, "agent.zip")], Settings(language="en"))
    assert "unsafe name in the archive" in report.errors[0].message
    assert not (tmp_path / "evil.json").exists()


def test_an_archive_that_unpacks_too_big_is_refused_before_unpacking(
    tmp_path: Path, fake: None
) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("agent.json", "{}")
        bundle.writestr("flows/x.json", b"0" * 5_000_000)  # compresses to a few kilobytes
    assert archive.stat().st_size < 50_000
    report = audit_files(
        [(archive, "bomb.zip")], Settings(language="en", limits=Limits(project_bytes=1_000_000))
    )
    assert (
        "unpacks to too many bytes: over the limit of 1,000,000 bytes" in report.errors[0].message
    )


def test_checking_a_flow_file_loads_no_importer() -> None:
    """The importers' contract (base) is light; the importers themselves load only for
    projects."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from cxaudit.engine import audit_files; from cxaudit.loading import Settings; "
        f"audit_files([(Path({str(EXAMPLES / 'webshop.flow.yaml')!r}), 'w')], Settings()); "
        "print(sorted(m for m in sys.modules if m.startswith('cxaudit.importers.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['cxaudit.importers.base']"


def test_a_damaged_archive_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "agent.zip").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(Exception, match=r"cannot unpack the archive|not a bot project"):
        import_path(tmp_path / "agent.zip", "agent.zip", "dialogflow-cx")


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_damaged_compressed_data_names_the_member(tmp_path: Path, fake: None, method: int) -> None:
    """Damaged deflate, LZMA or bzip2 data in a member: exit 2 naming it, never zlib.error."""
    archive = tmp_path / "agent.zip"
    with zipfile.ZipFile(archive, "w", compression=method) as bundle:
        bundle.writestr("agent.json", "{}")
        bundle.writestr("flows/a.json", json.dumps({"name": "a", "text": "Hi"}) * 200)
    data = bytearray(archive.read_bytes())
    start = data.index(b"flows/a.json") + len("flows/a.json") + 20
    data[start : start + 40] = bytes(b ^ 0xFF for b in data[start : start + 40])
    archive.write_bytes(bytes(data))
    report = audit_files([(archive, "agent.zip")], Settings(language="en"))
    (error,) = report.errors
    assert error.path == "agent.zip"
    assert "cannot unpack" in error.message


def test_a_member_without_a_name_is_refused(tmp_path: Path, fake: None) -> None:
    archive = tmp_path / "agent.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("agent.json", "{}")
        bundle.writestr("flows/a.json", "{}")
        bundle.writestr("QQQQ", "x")
    # A name that starts with NUL reads back as "" (zipfile cuts names at NUL).
    archive.write_bytes(archive.read_bytes().replace(b"QQQQ", b"\x00QQQ"))
    report = audit_files([(archive, "agent.zip")], Settings(language="en"))
    assert "unsafe name in the archive: ''" in report.errors[0].message


# cxaudit import ----------------------------------------------------------------------------

Run = Callable[..., object]


def test_import_writes_a_flow_file_that_checks_the_same(tmp_path: Path, fake: None) -> None:
    folder = export(
        tmp_path / "agent",
        {
            "a-welcome.json": PAGE,
            "b-bye.json": {"name": "bye", "text": "I understand how you feel. Bye!"},
        },
    )
    target = tmp_path / "fake.flow.yaml"
    runner = CliRunner()
    result = runner.invoke(app, ["import", "dialogflow-cx", str(folder), "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Imported by cxaudit")
    assert "# - Written by a language model at run time: 'welcome'." in text
    imported = audit_files([(folder, "agent")], Settings(language="en")).files[0]
    written = audit_files([(target, "fake.flow.yaml")], Settings(language="en")).files[0]

    def rule_findings(findings: object) -> list[tuple[str, str, str | None, int]]:
        return sorted(
            (f.rule, f.check, f.step, f.count)
            for f in findings  # type: ignore[attr-defined]
            if f.check not in import_checks()  # notes stay in the written file's header
        )

    assert rule_findings(written.findings) == rule_findings(imported.findings)
    assert written.score == imported.score


def test_import_of_something_else_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "dialogflow-cx", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a dialogflow-cx project: no agent.json in this folder" in result.output


def test_a_link_out_of_the_project_is_not_read(tmp_path: Path, fake: None) -> None:
    secret = tmp_path / "outside" / "secret.json"
    secret.parent.mkdir()
    secret.write_text(json.dumps({"name": "leak", "text": "the password is hunter2"}), "utf-8")
    folder = export(tmp_path / "agent")
    (folder / "flows" / "z-link.json").symlink_to(secret)
    report = audit_files([(folder, "agent")], Settings(language="en"))
    (error,) = report.errors
    assert error.path == "agent/flows/z-link.json"
    assert error.message == "a link to a file outside the project; not read"
    assert "hunter2" not in json.dumps([e.message for e in report.errors])


def test_a_phone_number_the_bot_gives_is_a_way_to_a_person(tmp_path: Path, fake: None) -> None:
    pages = {
        "a-welcome.json": PAGE,
        "b-help.json": {"name": "help", "text": "Contact our support team at 020 7777 7777."},
        "c-order.json": {"name": "order", "text": "Your order 12345678 ships today."},
    }
    folder = export(tmp_path / "agent", pages)
    project = import_path(folder, "agent", "dialogflow-cx")
    assert project.data["humans"][-1] == {"id": "phone_in_text", "channel": "phone"}
    where = project.document().source_map.locate(("humans", len(project.data["humans"]) - 1))
    assert (where.file, where.line) == ("agent/flows/b-help.json", 3)
    report = audit_files([(folder, "agent")], Settings(language="en")).files[0]
    assert not [f for f in report.findings if f.check == "no-other-channel"]


def test_digits_alone_are_no_phone_number(tmp_path: Path, fake: None) -> None:
    pages = {"c-order.json": {"name": "order", "text": "Your order 12345678 ships today."}}
    project = import_path(export(tmp_path / "agent", pages), "agent", "dialogflow-cx")
    assert [h["id"] for h in project.data["humans"]] == ["agents"]


def test_flow_files_beside_one_nested_agent_are_still_checked(tmp_path: Path) -> None:
    """A folder with one ES agent inside and flow files beside it is searched, not taken for
    that agent: the agent is found as a project of its own and the flow files are checked."""
    bots = tmp_path / "bots"
    make(bots, {"es/agent.json": "{}", "es/intents/x.json": "{}", "README.md": "docs"})
    assert detect(bots) == "dialogflow-es"  # an export laid out one folder down
    (bots / "bank.flow.yaml").write_text("cxaudit: 1\n", encoding="utf-8")
    assert detect(bots) is None
    from cxaudit.discover import expand

    found, problems = expand([str(bots)])
    assert [display for _, display in found] == [f"{bots}/es", f"{bots}/bank.flow.yaml"]
    assert problems == []


@pytest.mark.parametrize("brk", ["\n", "\r", "\x85", "\u2028"])
def test_names_from_the_project_cannot_write_yaml_into_the_flow_file(
    tmp_path: Path, brk: str
) -> None:
    from cxaudit.diagnostics import Note
    from cxaudit.importers.write import render_flow
    from cxaudit.loader import load_text
    from cxaudit.locations import Location

    project = Project(tmp_path, f"agent{brk}waivers: [x]", "dialogflow-cx")
    project.data = {"bot": {"name": "Fake"}, "flows": []}
    evil = f"agent/x{brk}waivers: [{{rule: CX01, reason: injected}}]{brk}#.json"
    project.notes.append(
        Note("unreadable-file", None, {"file": evil, "problem": "p"}, Location(1, 1, evil))
    )
    data = load_text(render_flow(project), "out.flow.yaml").data
    assert isinstance(data, dict) and "waivers" not in data


@pytest.mark.parametrize(
    "overlay",
    [
        "humans: [{id: [a], channel: phone}]\n",
        "privacy: {data: [{field: {a: 1}, category: contact}]}\n",
    ],
)
def test_an_overlay_entry_with_an_odd_name_is_a_schema_error(
    tmp_path: Path, fake: None, overlay: str
) -> None:
    folder = export(tmp_path / "agent")
    (folder / "cxaudit.overlay.yaml").write_text(overlay, encoding="utf-8")
    report = audit_files([(folder, "agent")], Settings(language="en"))
    assert report.errors and all(e.path == "agent/cxaudit.overlay.yaml" for e in report.errors)
    assert all(e.line == 1 for e in report.errors)


CALM = SHARED / "corpus" / "rasa-customers__starterpack-retail-banking-en"


@needs_shared("corpus", "rasa-customers__starterpack-retail-banking-en")
def test_from_rasa_reads_a_calm_project_as_one() -> None:
    report = audit_files([(CALM, "calm")], Settings(language="en", source_format="rasa"))
    assert report.errors == ()
    assert report.files[0].findings


def test_from_takes_every_folder_for_a_project(tmp_path: Path) -> None:
    from cxaudit.discover import expand

    (tmp_path / "odd").mkdir()
    assert expand([str(tmp_path / "odd")], projects=True) == (
        [(tmp_path / "odd", str(tmp_path / "odd"))],
        [],
    )
    result = CliRunner().invoke(app, ["check", "--from", "rasa", str(tmp_path / "odd")])
    assert result.exit_code == 2
    assert (
        "not a rasa project: no domain.yml or domain.yaml or domain in this folder" in result.output
    )


@needs_shared("corpus", "rasa-customers__starterpack-retail-banking-en")
def test_the_documented_overlay_works_on_the_starter_pack(tmp_path: Path) -> None:
    """docs/importing.md's overlay example, beside a copy of the CALM corpus project."""
    import shutil

    from tests.conftest import ROOT

    docs = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    overlay = docs.split("```yaml\n# cxaudit.overlay.yaml\n", 1)[1].split("```", 1)[0]
    project = tmp_path / "bank"
    shutil.copytree(CALM, project)
    before = audit_files([(project, "bank")], Settings(language="en")).files[0]
    (project / "cxaudit.overlay.yaml").write_text(overlay, encoding="utf-8")
    report = audit_files([(project, "bank")], Settings(language="en"))
    assert report.errors == ()
    after = report.files[0]
    assert after.sector == "finance" and after.score > before.score

    def checks(file: object) -> set[tuple[str, str, str | None]]:
        return {(f.rule, f.check, f.step) for f in file.findings if f.counts}  # type: ignore[attr-defined]

    gone = checks(before) - checks(after)
    assert ("CX08", "confirmation-undeclared", "action_process_immediate_payment") in gone  # waived
    assert ("CX09", "no-policy", None) in gone
    undeclared = {f.message for f in after.findings if f.check == "basis-undeclared"}
    assert not any("'account_number'" in m for m in undeclared)
