"""Bad input: every problem is exit code 2 with file, line, column and a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.budget import Limits
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.engine import audit_files
from cxaudit.loader import load_text
from cxaudit.loading import Settings
from tests.conftest import ROOT

MINIMAL = """\
cxaudit: 1
bot: {name: Hulpbot, languages: [nl]}
flows:
  - id: main
    steps:
      - {id: hello, say: "Hoi, ik ben de digitale assistent.", end: true}
"""


def errors_for(tmp_path: Path, content: str | bytes, max_bytes: int = 1 << 26) -> list[Diagnostic]:
    path = tmp_path / "flow.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    settings = Settings(language="en", limits=Limits(file_bytes=max_bytes), discover_config=False)
    report = audit_files([(path, "flow.yaml")], settings)
    return list(report.errors)


def single(tmp_path: Path, content: str | bytes) -> Diagnostic:
    errors = errors_for(tmp_path, content)
    assert len(errors) == 1, [e.render() for e in errors]
    return errors[0]


@pytest.mark.parametrize(
    ("content", "line", "column", "fragment"),
    [
        pytest.param("", None, None, "the file is empty", id="empty"),
        pytest.param("# nothing here\n", None, None, "only comments", id="only a comment"),
        pytest.param("hello\n", 1, 1, "the top level is a single value", id="scalar at the top"),
        pytest.param("- a\n- b\n", 1, 1, "the top level is a list", id="list at the top"),
        pytest.param(
            "cxaudit: 1\n---\ncxaudit: 1\n", 2, 1, "more than one YAML document", id="two documents"
        ),
        pytest.param(
            b"cxaudit: 1\n\x00\x01", None, None, "NUL byte at byte offset 11", id="binary"
        ),
        pytest.param(
            b"cxaudit: 1\nbot: {name: caf\xe9}\n",
            2,
            16,
            "byte 0xe9 at byte offset 26",
            id="latin-1",
        ),
        pytest.param(
            "cxaudit: 1\nbot:\n\tname: X\n",
            3,
            1,
            "indent with spaces, not tabs",
            id="tab indentation",
        ),
        pytest.param(
            "cxaudit: 1\nbot: {name: [X\n",
            3,
            1,
            "did not find expected ',' or ']'",
            id="unclosed bracket",
        ),
        pytest.param(
            'cxaudit: 1\nbot: {name: "X}\n',
            3,
            1,
            "while scanning a quoted scalar at line 2",
            id="unclosed quote",
        ),
        pytest.param(
            "cxaudit: 1\nbot: {name: X}\nbot: {name: Y}\n",
            3,
            1,
            "duplicate key 'bot' (first at line 2)",
            id="duplicate key",
        ),
        pytest.param(
            "cxaudit: 1\nbot: {name: !!python/object/apply:os.system [ls]}\n",
            2,
            13,
            "the tag '!!python/object/apply:os.system' is not allowed",
            id="python tag",
        ),
        pytest.param(
            "cxaudit: 1\nbot: !custom {name: X}\n",
            2,
            6,
            "the tag '!custom' is not allowed",
            id="unknown tag",
        ),
        pytest.param(
            "cxaudit: 1\nbot: {name: !!int twelve}\n",
            2,
            13,
            "'twelve' is not a valid int",
            id="bad int",
        ),
        pytest.param(
            "cxaudit: &a [*a]\n", 1, 10, "refers to a node that contains it", id="recursive alias"
        ),
        pytest.param(
            'cxaudit: 1\nbot: {name: "a\x07b"}\n',
            2,
            15,
            "character YAML does not allow: U+0007",
            id="bell",
        ),
        pytest.param(
            'cxaudit: 1\nbot: {name: "a\x1bb"}\n',
            2,
            15,
            "character YAML does not allow: U+001B",
            id="escape",
        ),
        pytest.param(
            "cxaudit: 1\n? [a, b]\n: c\n",
            2,
            3,
            "a mapping key must be a plain text",
            id="complex key",
        ),
    ],
)
def test_refused_with_position(
    tmp_path: Path, content: str | bytes, line: int | None, column: int | None, fragment: str
) -> None:
    error = single(tmp_path, content)
    assert error.path == "flow.yaml"
    assert (error.line, error.column) == (line, column)
    assert fragment in error.message


@pytest.mark.parametrize(
    "number",
    ["1" + "0" * 400, "9" * 5001, "0x" + "f" * 4000, "1e400", ".nan", "-.inf", str(2**53 + 1)],
)
def test_numbers_no_rule_can_use_are_refused_where_they_are(tmp_path: Path, number: str) -> None:
    """A number beyond 2^53 (or NaN, or infinite) would overflow a rule or a report: an input
    error at its place, never an OverflowError, Python's digit limit or a NaN in the JSON."""
    text = MINIMAL + f"x-number: {number}\n"
    (error,) = errors_for(tmp_path, text)
    assert error.line == text.count("\n") and error.column == 11
    assert "is not a number cxaudit can use" in error.message


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    lines = [
        "cxaudit: 1",
        'x-0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for i in range(1, 10):
        lines.append(f"x-{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    error = single(tmp_path, "\n".join(lines) + "\n")
    assert "alias bomb" in error.message
    # 1 + 11 keys + 1 + the ten lists expanded (10, 91, 820, ... 3,922,632,451 nodes); the file
    # itself has 32 nodes, so the limit is the floor of 100,000.
    assert (
        "expand this document to 4,412,961,518 nodes, more than the limit of 100,000"
        in error.message
    )


def test_alias_bomb_hidden_in_intent_examples(tmp_path: Path) -> None:
    lines = [
        "cxaudit: 1",
        "x-0: &e0 [hallo, hoi, hey, dag, goedemorgen, hallo daar, hee, yo, hi, hello]",
    ]
    for i in range(1, 8):
        lines.append(f"x-{i}: &e{i} [" + ", ".join([f"*e{i - 1}"] * 10) + "]")
    lines += [
        "bot: {name: Hulpbot}",
        "intents:",
        "  - {id: greet, examples: *e7}",
        "flows: [{id: main, steps: [{id: hello, say: Hoi, end: true}]}]",
    ]
    error = single(tmp_path, "\n".join(lines) + "\n")
    assert "alias bomb" in error.message


def test_modest_anchor_reuse_is_fine(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "cxaudit: 1\n", "cxaudit: 1\nx-fallback: &fb {retries: 1, then: hello}\n"
    )
    text += "      - {id: q, ask: Wat is je vraag?, next: hello, fallback: *fb}\n"
    assert errors_for(tmp_path, text) == []


def test_deep_nesting_is_refused_at_the_place_it_gets_too_deep(tmp_path: Path) -> None:
    error = single(tmp_path, "cxaudit: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "nesting deeper than 100 levels" in error.message
    assert (error.line, error.column) == (1, 109)  # the 101st level: root map + 100 brackets


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    error = single(tmp_path, "cxaudit: 1\nx-deep:\n" + "  - " * 50_000 + "x\n")
    assert "nesting deeper than 100 levels" in error.message


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    error = single_with(tmp_path, MINIMAL + "#" * 2000 + "\n", max_bytes=1000)
    assert "more than the limit of 1,000 bytes" in error.message
    assert "--limit file-bytes=N" in error.message


def single_with(tmp_path: Path, content: str, max_bytes: int) -> Diagnostic:
    errors = errors_for(tmp_path, content, max_bytes)
    assert len(errors) == 1
    return errors[0]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    report = audit_files(
        [(tmp_path / "nope.yaml", "nope.yaml"), (tmp_path, "somewhere")], Settings(language="en")
    )
    messages = {e.path: e.message for e in report.errors}
    # A folder given to the engine is taken for a bot project (flow files in folders are found
    # by discover.expand); one that is none says what was looked for.
    assert messages["nope.yaml"] == "no such file"
    assert messages["somewhere"].startswith("not a bot project: looked for a Rasa project")


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    content = ("\ufeff" + MINIMAL).replace("\n", "\r\n").encode("utf-8")
    assert errors_for(tmp_path, content) == []


def test_yaml_1_2_scalars_keep_yes_and_no_as_text(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '      - {id: hello, say: "Hoi, ik ben de digitale assistent.", end: true}\n',
        "      - id: hello\n"
        "        ask: Hoi, ik ben de digitale assistent. Klopt je adres?\n"
        "        options:\n"
        "          - {label: Yes, goto: bye}\n"
        "          - {label: No, goto: bye}\n"
        "          - {label: on, goto: bye}\n"
        "          - {label: off, goto: bye}\n"
        "      - {id: bye, say: Dag, end: yes}\n",
    )
    errors = errors_for(tmp_path, text)
    # Only `end: yes` is wrong: in YAML 1.2 it is the text "yes", not a boolean.
    assert [e.message for e in errors] == [
        "flows[0].steps[1].end: expected true or false, got the text 'yes'"
    ]


# -- the schema -----------------------------------------------------------------------------


def test_unknown_keys_suggest_the_nearest(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "bot: {name: Hulpbot, languages: [nl]}",
        "bot: {name: Hulpbot, languages: [nl], sectr: retail}",
    )
    text = text.replace('say: "Hoi', 'sya: "Hoi')
    errors = errors_for(tmp_path, text)
    assert [(e.line, e.column, e.message) for e in errors] == [
        (2, 39, "bot.sectr: unknown key 'sectr'; did you mean 'sector'?"),
        (6, 21, "flows[0].steps[0].sya: unknown key 'sya'; did you mean 'say'?"),
    ]


def test_unknown_key_far_from_everything_lists_the_known_ones(tmp_path: Path) -> None:
    text = MINIMAL.replace("cxaudit: 1\n", "cxaudit: 1\nzzzz: 3\n")
    (error,) = errors_for(tmp_path, text)
    assert error.message.startswith("zzzz: unknown key 'zzzz' (known keys: cxaudit, bot, humans")


def test_x_keys_are_allowed_everywhere(tmp_path: Path) -> None:
    text = MINIMAL.replace("cxaudit: 1\n", "cxaudit: 1\nx-notes: {owner: team cx}\n")
    text = text.replace("end: true}", "end: true, x-reviewed: 2026-11-01}")
    assert errors_for(tmp_path, text) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "languages: [nl]",
            "languages: [nl], sector: retial",
            "bot.sector: 'retial' is not one of: retail,",
        ),
        (
            "languages: [nl]",
            "languages: [dutch]",
            "bot.languages[0]: 'dutch' is not an ISO 639-1 language code",
        ),
        ("cxaudit: 1", "cxaudit: 2", "cxaudit: expected the format version 1, got '2'"),
        (
            "{name: Hulpbot, languages: [nl]}",
            "{languages: [nl]}",
            "bot: missing required key 'name'",
        ),
        (
            "end: true",
            "end: true, next: [a]",
            "flows[0].steps[0].next: expected a text, got a list",
        ),
        (
            'say: "Hoi, ik ben de digitale assistent."',
            "say: {nl: [a]}",
            "flows[0].steps[0].say.nl: expected a text, got a list",
        ),
        (
            'say: "Hoi, ik ben de digitale assistent."',
            "say: 12",
            "flows[0].steps[0].say: expected a text: a string, or a map from language code to string",
        ),
        (
            "end: true",
            "end: true, fallback: {retries: -1, then: hello}",
            "fallback.retries: must be at least 0, got -1",
        ),
        (
            "end: true",
            "end: true, fallback: {retries: 1}",
            "flows[0].steps[0].fallback: missing required key 'then'",
        ),
        ("steps:\n", "steps: []\n", None),
    ],
    ids=[
        "enum",
        "pattern",
        "const",
        "required",
        "type",
        "text map value",
        "oneOf",
        "minimum",
        "fallback then",
        "minItems",
    ],
)
def test_schema_messages(tmp_path: Path, old: str, new: str, message: str | None) -> None:
    text = MINIMAL.replace(old, new)
    if message is None:  # empty steps list: the flow's steps follow, so build it by hand
        text = "cxaudit: 1\nbot: {name: X}\nflows: [{id: main, steps: []}]\n"
        message = "flows[0].steps: needs at least 1 item(s)"
    errors = errors_for(tmp_path, text)
    assert any(message in e.message for e in errors), [e.message for e in errors]
    assert all(e.line and e.column for e in errors)


def test_schema_messages_never_quote_a_huge_value(tmp_path: Path) -> None:
    huge = "x" * 100_000
    text = MINIMAL.replace("languages: [nl]", f"languages: [nl], sector: {huge}")
    (error,) = errors_for(tmp_path, text)
    assert len(error.message) < 400


def test_all_schema_errors_are_reported_in_order(tmp_path: Path) -> None:
    text = "cxaudit: 1\nbot: {name: X, sectr: a}\nflows:\n  - id: f\n    steps:\n      - {id: s, sya: hi}\n      - {id: t, nxt: s}\n"
    errors = errors_for(tmp_path, text)
    assert [e.line for e in errors] == [2, 6, 7]


# -- ids and references ---------------------------------------------------------------------


def test_duplicate_step_and_flow_ids(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + "      - {id: hello, say: Nog een keer, end: true}\n      - {id: main, say: Zelfde als de flow, end: true}\n"
    )
    errors = errors_for(tmp_path, text)
    assert [(e.line, e.message) for e in errors] == [
        (
            7,
            "flows[0].steps[1].id: duplicate id 'hello' (first used at line 6); step and flow ids share one namespace and must be unique",
        ),
        (
            8,
            "flows[0].steps[2].id: duplicate id 'main' (first used at line 4); step and flow ids share one namespace and must be unique",
        ),
    ]


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        (
            "      - {id: a, say: x, next: helo}\n",
            "flows[0].steps[1].next: 'helo' names no step or flow; did you mean 'hello'?",
        ),
        (
            "      - {id: a, ask: x, options: [{label: Ja, goto: hell}]}\n",
            "'hell' names no step or flow; did you mean 'hello'?",
        ),
        (
            "      - {id: a, ask: x, fallback: {retries: 1, then: helo}}\n",
            "flows[0].steps[1].fallback.then: 'helo' names no step or flow",
        ),
        (
            "      - {id: a, ask: x, fallback: hallo}\n",
            "flows[0].steps[1].fallback: 'hallo' names no step or flow; did you mean 'hello'?",
        ),
        (
            "      - {id: a, ask: x, on: {greet: hello}}\n",
            "'greet' names no intent (the file declares no intent at all)",
        ),
        (
            "      - {id: a, say: x, handoff: tem}\n",
            "flows[0].steps[1].handoff: 'tem' names no humans entry (the file declares no humans entry at all)",
        ),
    ],
)
def test_references_that_name_nothing(tmp_path: Path, addition: str, message: str) -> None:
    errors = errors_for(tmp_path, MINIMAL + addition)
    assert any(message in e.message for e in errors), [e.message for e in errors]
    assert all(e.line == 7 for e in errors)


def test_top_level_references(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "bot: {name: Hulpbot, languages: [nl]}",
        "bot: {name: Hulpbot, languages: [nl], start: helo}",
    )
    text += "escalation: {upset: mian, fallback: {retries: 1, then: nowhere}}\n"
    text += "intents:\n  - {id: hi, goto: hello}\n"
    text += "  - {id: bye, examples: [dag]}\n"
    text += "handoff: {outside_hours: callback}\n"
    messages = [e.message for e in errors_for(tmp_path, text)]
    assert "bot.start: 'helo' names no step or flow; did you mean 'hello'?" in messages
    assert "escalation.upset: 'mian' names no step or flow; did you mean 'main'?" in messages
    assert "escalation.fallback.then: 'nowhere' names no step or flow" in messages
    assert any(
        m.startswith("handoff.outside_hours: 'callback' names no humans entry") for m in messages
    )


def test_every_start_in_a_list_is_a_reference(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "bot: {name: Hulpbot, languages: [nl]}",
        "bot: {name: Hulpbot, languages: [nl], start: [main, helo]}",
    )
    messages = [e.message for e in errors_for(tmp_path, text)]
    assert messages == ["bot.start[1]: 'helo' names no step or flow; did you mean 'hello'?"]
    text = MINIMAL.replace(
        "bot: {name: Hulpbot, languages: [nl]}",
        "bot: {name: Hulpbot, languages: [nl], start: []}",
    )
    (error,) = errors_for(tmp_path, text)
    assert error.message.startswith("bot.start: "), error.message


def test_text_in_a_language_the_bot_does_not_declare(tmp_path: Path) -> None:
    text = MINIMAL.replace('say: "Hoi, ik ben de digitale assistent."', "say: {nl: Hoi, ne: Hi}")
    (error,) = errors_for(tmp_path, text)
    assert (
        error.message
        == "flows[0].steps[0].say.ne: the language 'ne' is not in bot.languages (nl); did you mean 'nl'?"
    )


# -- the pure-Python fallback ---------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        (ROOT / "tests" / "fixtures" / "good.flow.yaml").read_text(encoding="utf-8"),
        *(
            (ROOT / "examples" / f"{name}.flow.yaml").read_text(encoding="utf-8")
            for name in ("webshop", "bank", "energy")
        ),
        "cxaudit: 1\nx-a: &a {retries: 1, then: s}\nb: {<<: *a, then: t}\nc: [Yes, No, on, 0x1F, 1.5e3, ~, 2027-06-30]\n",
    ],
    ids=["good bot", "web shop", "bank", "energy", "merge keys and scalars"],
)
def test_pure_python_composer_gives_the_same_data_and_positions(content: str) -> None:
    fast = load_text(content, "f.yaml")
    pure = load_text(content, "f.yaml", pure=True)
    assert fast.data == pure.data
    paths: list[tuple[str | int, ...]] = [
        ("cxaudit",),
        ("bot", "name"),
        ("flows", 0, "steps", 2, "say"),
        ("c", 3),
    ]
    for path in paths:
        assert fast.source_map.locate(path) == pure.source_map.locate(path)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("cxaudit: 1\nbot: {name: X}\nbot: {name: Y}\n", "duplicate key 'bot'"),
        ("cxaudit: " + "[" * 500 + "]" * 500 + "\n", "nesting deeper than 100 levels"),
        ("cxaudit: !!python/object:os.system x\n", "is not allowed"),
    ],
    ids=["duplicate key", "deep nesting", "python tag"],
)
def test_pure_python_composer_refuses_the_same_input(content: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        load_text(content, "f.yaml", pure=True)
    assert fragment in caught.value.diagnostics[0].message
