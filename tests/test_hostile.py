"""Hostile and broken inputs, level by level: refused with exit code 2 and a position, never a crash."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxaudit.engine import audit_files
from cxaudit.evidence import agreement_of_text, contacts_in, promises_transfer, secret_of
from cxaudit.evidence.texts import clauses, is_question, sentences
from cxaudit.loading import Settings
from cxaudit.report import Report
from tests.conftest import ROOT

GOOD = yaml.safe_load((ROOT / "tests" / "fixtures" / "good.flow.yaml").read_text(encoding="utf-8"))
# Every kind of map in the format, reached from the good fixture (with a few additions below).
LEVELS: dict[str, tuple[Any, ...]] = {
    "top": (),
    "bot": ("bot",),
    "human": ("humans", 0),
    "handoff": ("handoff",),
    "escalation": ("escalation",),
    "escalation.fallback": ("escalation", "fallback"),
    "privacy": ("privacy",),
    "data field": ("privacy", "data", 0),
    "intent": ("intents", 0),
    "flow": ("flows", 0),
    "step": ("flows", 0, "steps", 0),
    "option": ("flows", 0, "steps", 3, "options", 0),
    "confirm": ("flows", 0, "steps", 6, "confirm"),
    "consent": ("flows", 0, "steps", 6, "consent"),
    "generate": ("flows", 0, "steps", 7, "generate"),
    "waiver": ("waivers", 0),
}


def full_flow() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(GOOD)
    steps = data["flows"][0]["steps"]
    steps.append(
        {
            "id": "extra",
            "say": "Je krijgt een bevestiging per e-mail.",
            "confirm": {"channel": "email"},
            "consent": {"fields": ["order_number"]},
            "next": "bye",
        }
    )
    steps.append(
        {"id": "llm", "generate": {"prompt": "Beantwoord vragen over pakketten."}, "next": "bye"}
    )
    data["waivers"] = [{"rule": "CX03", "step": "extra", "reason": "test"}]
    return data


def check(tmp_path: Path, data: Any) -> Report:
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return audit_files([(path, "flow.yaml")], Settings(language="en", discover_config=False))


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def test_the_full_flow_is_valid(tmp_path: Path) -> None:
    data = full_flow()
    for path in LEVELS.values():
        assert isinstance(at(data, path), dict)
    assert not check(tmp_path, data).errors


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_an_unknown_key_at_every_level(tmp_path: Path, level: str) -> None:
    data = full_flow()
    at(data, LEVELS[level])["zzz_unknown"] = 1
    (error,) = check(tmp_path, data).errors
    assert "unknown key 'zzz_unknown'" in error.message
    assert error.line is not None and error.column is not None
    text = (tmp_path / "flow.yaml").read_text(encoding="utf-8").splitlines()
    assert text[error.line - 1][error.column - 1 :].startswith("zzz_unknown")


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_a_wrong_type_at_every_level(tmp_path: Path, level: str) -> None:
    data = full_flow()
    node = at(data, LEVELS[level])
    key = next(iter(node))  # the first key of that map, whatever it is
    node[key] = [[["deeply", "wrong"]]] if not isinstance(node[key], list) else "not a list"
    report = check(tmp_path, data)
    assert report.errors, f"{level}.{key} accepted a wrong type"
    assert all(e.line is not None for e in report.errors)
    assert not report.files


@pytest.mark.parametrize(
    "container",
    [
        ("bot", "languages"),
        ("humans",),
        ("intents",),
        ("flows",),
        ("flows", 0, "steps"),
        ("handoff", "context"),
    ],
)
def test_a_map_where_a_list_belongs(tmp_path: Path, container: tuple[Any, ...]) -> None:
    data = full_flow()
    parent = at(data, container[:-1])
    parent[container[-1]] = {"a": 1}
    (error,) = check(tmp_path, data).errors
    assert "expected a list" in error.message and error.message.endswith(", got a map")


def test_every_step_unreachable_but_the_start(tmp_path: Path) -> None:
    steps = [{"id": "start", "say": "Hoi, ik ben de digitale assistent.", "end": True}]
    steps += [
        {"id": f"lost{i}", "say": "Niemand komt hier.", "next": f"lost{(i + 1) % 50}"}
        for i in range(50)
    ]
    data = {
        "cxaudit": 1,
        "bot": {"name": "X", "languages": ["nl"]},
        "flows": [{"id": "main", "steps": steps}],
    }
    report = check(tmp_path, data)
    (file_report,) = report.files
    # One part nobody reaches is one finding, however many steps it has.
    (unreachable,) = [f for f in file_report.findings if f.check == "unreachable"]
    assert unreachable.count == 50 and unreachable.message.startswith("50 step(s)")


def test_a_cycle_of_a_thousand_steps(tmp_path: Path) -> None:
    steps = [
        {"id": f"s{i}", "say": "Even geduld...", "next": f"s{(i + 1) % 1000}"} for i in range(1000)
    ]
    steps[0]["say"] = "Hoi, ik ben de digitale assistent. Even geduld..."
    data = {
        "cxaudit": 1,
        "bot": {"name": "X", "languages": ["nl"]},
        "flows": [{"id": "main", "steps": steps}],
    }
    (file_report,) = check(tmp_path, data).files
    (trap,) = [f for f in file_report.findings if f.check == "trap"]
    assert "a cycle of 1000" in trap.message
    assert next(r for r in file_report.rules if r.id == "CX03").status.value == "fail"


def test_ids_with_unicode_spaces_and_long_names(tmp_path: Path) -> None:
    long_id = "stap " + "ë" * 3000
    data = {
        "cxaudit": 1,
        "bot": {"name": "Bötje 🤖", "languages": ["nl"]},
        "flows": [
            {
                "id": "hoofd flow",
                "steps": [
                    {
                        "id": "wélkom 👋",
                        "say": "Hoi, ik ben de digitale assistent.",
                        "next": long_id,
                    },
                    {"id": long_id, "ask": "Wat is je vraag?", "next": "wélkom 👋"},
                ],
            }
        ],
    }
    (file_report,) = check(tmp_path, data).files
    no_fallback = next(f for f in file_report.findings if f.check == "no-fallback")
    assert no_fallback.step == long_id
    lines = (tmp_path / "flow.yaml").read_text(encoding="utf-8").splitlines()
    written = next(i for i, line in enumerate(lines, start=1) if line.startswith("  - id: stap ë"))
    assert (no_fallback.line, no_fallback.column) == (written, 5)


def test_a_200_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.flow.yaml"
    with huge.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: the size is real, the disk use is not
    report = audit_files([(huge, "huge.flow.yaml")], Settings(discover_config=False))
    (error,) = report.errors
    assert "the file is 209,715,200 bytes, more than the limit of 67,108,864 bytes" in error.message
    assert "--limit file-bytes=N" in error.message


def test_a_bot_text_built_to_make_patterns_backtrack(tmp_path: Path) -> None:
    """Long runs of blanks, quotes or emphasis in a bot's text are read like any other text
    (their cost is linear: bench/hostile.py measures it; here they must simply be checked)."""
    texts = [
        " " * 20_000 + "x",
        "\t\r" * 10_000 + "Shall I connect you?",
        '"' * 20_000 + "a",
        "*_~" * 7_000 + "Is that right?",
        "I'm " * 5_000,
        "your payment " * 1_500,
    ]
    steps = "\n".join(
        f"      - {{id: s{k}, say: {yaml.safe_dump(text, width=10**9).strip()}, next: s{k + 1}}}"
        for k, text in enumerate(texts)
    )
    flow = (
        "cxaudit: 1\nbot: {name: Hulpbot, languages: [en]}\nflows:\n  - id: main\n    steps:\n"
        f"{steps}\n      - {{id: s{len(texts)}, say: Bye, end: true}}\n"
    )
    path = tmp_path / "hostile.flow.yaml"
    path.write_text(flow, encoding="utf-8")
    report = audit_files([(path, path.name)], Settings(language="en"))
    assert report.errors == () and len(report.files) == 1


def test_the_evidence_layer_reads_hostile_texts() -> None:
    """Every text reader on texts built to make a backtracking pattern quadratic (bench/hostile.py
    measures that they stay linear)."""
    hostile = [" " * 20_000 + "x", '"' * 20_000 + "a", "*_~" * 7_000 + "?", " \n" * 10_000]
    for text in hostile:
        assert not promises_transfer(text, "en")
        assert agreement_of_text(text, "en") is None
        assert contacts_in(text) == []
        assert secret_of("field", question=text, language="en") is None


def test_sentences_and_questions_read_through_blanks_and_emphasis() -> None:
    assert sentences("Hi  there.\t\tCan I help?\n\n  Bye") == ["Hi there.", "Can I help?", "Bye"]
    assert is_question('Is that right?"**') and not is_question("Right." + " " * 50)
    assert clauses("yes ,   but   no") == ["yes", "but no"]


@pytest.mark.skipif(not Path("/dev/zero").exists() or os.name == "nt", reason="needs /dev/zero")
def test_links_and_devices_inside_a_project_are_not_read(tmp_path: Path) -> None:
    """A pull request can add links to a project: to /dev/zero (read forever), a FIFO (blocks),
    the folder itself or a loop (endless walks), a file elsewhere on the disk. None is read."""
    project = tmp_path / "bot"
    (project / "data").mkdir(parents=True)
    (project / "domain.yml").write_text(
        'version: "3.1"\nresponses:\n  utter_greet:\n  - text: "Hi, I am a bot."\n',
        encoding="utf-8",
    )
    (project / "data" / "rules.yml").write_text(
        'version: "3.1"\nrules:\n- rule: greet\n  steps:\n  - intent: greet\n'
        "  - action: utter_greet\n",
        encoding="utf-8",
    )
    data = project / "data"
    (data / "zero.yml").symlink_to("/dev/zero")
    os.mkfifo(data / "pipe.yml")
    (data / "self").symlink_to(".")
    (data / "loop_a.yml").symlink_to("loop_b.yml")
    (data / "loop_b.yml").symlink_to("loop_a.yml")
    secret = tmp_path / "secret.yml"
    secret.write_text("flows:\n  leak: {description: do not read me}\n", encoding="utf-8")
    (data / "elsewhere.yml").symlink_to(secret)
    report = audit_files([(project, "bot")], Settings(language="en"))
    assert report.errors == ()
    (file_report,) = report.files
    assert file_report.bot  # checked as the Rasa 3 project it is, not as CALM
    notes = [f for f in file_report.findings if f.rule == "import"]
    assert any("outside the project" in f.message for f in notes)
    assert all("leak" not in f.message for f in file_report.findings)
