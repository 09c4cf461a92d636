"""Errors in a broken flow file say, in plain words, what is wrong and what was meant.

Each case is a flow file written to disk and checked through the real command line: exit code 2,
the file:line:column the error had before, and the fix in words (issue 13, "Editor").
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cxaudit.cli import app
from cxaudit.diagnostics import InputError
from cxaudit.loader import load_text
from cxaudit.schema import _explain, load_schema
from cxaudit.suggest import corrections
from cxaudit.yaml_hints import yaml_hint

NAME = "a.flow.yaml"

HEAD = """\
cxaudit: 1
bot: {name: Hulpbot, languages: [nl, en]}
"""

FLOW = """\
flows:
  - id: main
    steps:
      - {id: hello, say: Hoi, end: true}
"""


def check(text: str) -> tuple[int, list[str]]:
    """Write ``text`` as a.flow.yaml in the working folder and check it: exit code, error lines."""
    Path(NAME).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", NAME, "--format", "concise", "--lang", "en"])
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    return result.exit_code, lines


def only_error(text: str) -> str:
    code, errors = check(text)
    assert code == 2, errors
    assert len(errors) == 1, errors
    return errors[0]


# -- YAML syntax errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        pytest.param(
            "cxaudit: 1\nbot:\n  name: Hulpbot\n    languages: [nl]\n" + FLOW,
            "4:14",
            "'languages' on line 4 is indented more than 'name' on line 3 (4 spaces, not 2): "
            "indent it 2 spaces, like 'name'",
            id="key indented more than its sibling",
        ),
        pytest.param(
            "cxaudit: 1\nbot:\n    name: Hulpbot\n    x-team: cx\n  languages: [nl]\n" + FLOW,
            "5:3",
            "'languages' on line 5 is indented less than 'x-team' on line 4 (2 spaces, not 4): "
            "indent it 4 spaces, like 'x-team'",
            id="key indented less than its sibling",
        ),
        pytest.param(
            "cxaudit: 1\nbot:\n    name: Hulpbot\n  languages: [nl]\n" + FLOW,
            "3:5",
            "'name' on line 3 is indented more than 'languages' on line 4 below it (4 spaces, "
            "not 2): indent it 2 spaces, like 'languages', under 'bot' on line 2 "
            "(YAML, at line 4: ",
            id="first key under a key indented more than the keys after it",
        ),
        pytest.param(
            HEAD
            + "flows:\n  - id: main\n    steps:\n      - id: hello\n        say: Hoi\n"
            + "       end: true\n",
            "8:8",
            "'end' on line 8 is indented less than 'say' on line 7 (7 spaces, not 8): "
            "indent it 8 spaces, like 'say'",
            id="key in a list item indented less",
        ),
        pytest.param(
            HEAD
            + "flows:\n  - id: main\n    steps:\n      - {id: hello, say: Hoi, next: bye}\n"
            + "     - {id: bye, say: Dag, end: true}\n",
            "7:6",
            "the list item on line 7 is indented less than the item on line 6 (5 spaces, not 6): "
            "indent it 6 spaces, like the item above",
            id="list item indented less",
        ),
        pytest.param(
            HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
            "        say: Let op: je pas is geblokkeerd\n        end: true\n",
            "7:20",
            "a text with ': ' in it must be quoted: say: \"Let op: je pas is geblokkeerd\"",
            id="colon in a text",
        ),
        pytest.param(
            HEAD + "flows:\n  - id: main\n    steps:\n"
            "      - {id: hello, say: Let op: je pas is geblokkeerd, end: true}\n",
            "6:32",
            "a text with ': ' in it must be quoted: say: \"Let op: je pas is geblokkeerd\"",
            id="colon in a text in braces",
        ),
        pytest.param(
            HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
            "        say: Bel ons gerust,\n          of mail: info@example.nl\n        end: true\n",
            "8:18",
            "a text with ': ' in it must be quoted: say: \"Bel ons gerust, of mail: info@example.nl\"",
            id="colon in a text over two lines",
        ),
        pytest.param(
            HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
            '        say: "Hoi, ik ben de digitale assistent\n        end: true\n',
            "7:14",
            'the quote (") that opens the text on line 7 is not closed on that line, so the text '
            "runs on to the end of the file: close it at the end of the text, "
            'say: "Hoi, ik ben de digitale assistent" (YAML, at line 9: found unexpected end of '
            "stream",
            id="unclosed quote",
        ),
        pytest.param(
            HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
            '        say: "Hoi, ik ben de digitale assistent\n        next: bye\n'
            '      - id: bye\n        say: "Dag"\n        end: true\n',
            "7:14",
            'the quote (") that opens the text on line 7 is not closed on that line, so the text '
            "runs on to the quote on line 10: close it at the end of the text, "
            'say: "Hoi, ik ben de digitale assistent" (YAML, at line 10: did not find expected key',
            id="unclosed quote closed by the next text's quote",
        ),
        pytest.param(
            HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
            '        say: "Klik op "Verder" om door te gaan"\n        end: true\n',
            "7:24",
            'a " inside a text in "..." ends it; write it as \\" or put the text in \'...\': '
            "say: 'Klik op \"Verder\" om door te gaan'",
            id="double quote inside double quotes",
        ),
        pytest.param(
            HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
            "        say: 'We zijn 's avonds gesloten'\n        end: true\n",
            "7:24",
            "a ' inside a text in '...' ends it; write it twice ('') or put the text in \"...\": "
            'say: "We zijn \'s avonds gesloten"',
            id="apostrophe inside single quotes",
        ),
        pytest.param(
            "cxaudit: 1\nbot:\n\tname: Hulpbot\n" + FLOW,
            "3:1",
            "line 3 is indented with a tab, and YAML allows only spaces there: indent with "
            "spaces, not tabs (2 spaces puts it under 'bot')",
            id="tab under a key",
        ),
        pytest.param(
            "cxaudit: 1\nbot:\n  name: Hulpbot\n\tlanguages: [nl]\n" + FLOW,
            "4:1",
            "line 4 is indented with a tab, and YAML allows only spaces there: indent with "
            "spaces, not tabs (2 spaces, like 'name' on line 3)",
            id="tab beside a key",
        ),
    ],
)
def test_yaml_syntax_errors_say_what_to_fix(
    workdir: Path, text: str, where: str, hint: str
) -> None:
    error = only_error(text)
    assert error.startswith(f"{NAME}:{where}: error: "), error
    assert hint in error, error


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure Python"])
def test_both_yaml_parsers_give_the_same_hint(pure: bool) -> None:
    """libyaml and PyYAML's own parser word their errors differently; the hint is the same."""
    text = "cxaudit: 1\nbot:\n    name: Hulpbot\n  languages: [nl]\n" + FLOW
    with pytest.raises(InputError) as raised:
        load_text(text, NAME, pure=pure)
    (error,) = raised.value.diagnostics
    assert (error.line, error.column) == (3, 5)
    assert error.message.startswith(
        "'name' on line 3 is indented more than 'languages' on line 4 below it (4 spaces, not 2)"
    )
    assert "(YAML, at line 4: " in error.message


BLOCK = HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure Python"])
@pytest.mark.parametrize(
    ("text", "at", "parser_line"),
    [
        pytest.param(
            BLOCK + '        say: "Hoi, ik ben de digitale assistent\n        next: bye\n'
            "      - id: bye\n        say: Dag\n        next: bye2\n"
            '      - id: bye2\n        say: "Tot ziens"\n        end: true\n',
            (7, 14),
            13,
            id="quote closed six lines further",
        ),
        pytest.param(
            BLOCK + "        say:\n            nl: Hallo\n          en: Hello\n        end: true\n",
            (8, 13),
            9,
            id="first key under say: indented too far",
        ),
    ],
)
def test_the_error_is_where_the_mistake_is(
    pure: bool, text: str, at: tuple[int, int], parser_line: int
) -> None:
    """Where the parser stops lines after the mistake (a quote it found unclosed there, a first
    key that set a deeper indent), the error points at the mistake, and the parser's words keep
    the line where it stopped."""
    with pytest.raises(InputError) as raised:
        load_text(text, NAME, pure=pure)
    (error,) = raised.value.diagnostics
    assert (error.line, error.column) == at, error.render()
    assert f"on line {at[0]} " in error.message
    assert f"(YAML, at line {parser_line}: " in error.message, error.message


def test_the_first_key_under_a_key_is_named_when_it_is_out_of_line(workdir: Path) -> None:
    text = BLOCK + "        say:\n            nl: Hallo\n          en: Hello\n        end: true\n"
    error = only_error(text)
    assert error.startswith(
        f"{NAME}:8:13: error: 'nl' on line 8 is indented more than 'en' on line 9 below it "
        "(12 spaces, not 10): indent it 10 spaces, like 'en', under 'say' on line 7"
    ), error
    fixed = text.replace("            nl: Hallo", "          nl: Hallo")
    assert check(fixed)[1] == []  # and following the advice gives a file that reads


def test_a_file_indented_by_four_keeps_its_own_step(workdir: Path) -> None:
    """In a file that indents by 4, a key 2 spaces under ``say:`` is the one out of line."""
    text = (
        HEAD + "flows:\n    -   id: main\n        steps:\n            -   id: hello\n"
        "                say:\n                    nl: Hallo\n                  en: Hello\n"
        "                end: true\n"
    )
    error = only_error(text)
    assert error.startswith(
        f"{NAME}:9:19: error: 'en' on line 9 is indented less than 'nl' on line 8 "
        "(18 spaces, not 20): indent it 20 spaces, like 'nl'"
    ), error


@pytest.mark.parametrize(
    ("line", "where", "hint", "fixed"),
    [
        pytest.param(
            '        say: {nl: "Waarmee kan ik je helpen?, en: "What can I do?"}\n',
            "7:52",
            "the text of 'nl' on line 7 lacks its closing quote (\"), so it takes in ', en:' and "
            "ends at the quote that opens the text of 'en': close it after 'helpen?', before the comma: "
            'say: {nl: "Waarmee kan ik je helpen?", en: "What can I do?"}',
            '        say: {nl: "Waarmee kan ik je helpen?", en: "What can I do?"}\n',
            id="closed by the quote of the next language",
        ),
        pytest.param(
            "        say: {nl: 'Waarmee kan ik je helpen?, en: What can I do?}\n",
            "9:1",
            "the text of 'nl' on line 7 lacks its closing quote ('), so it takes in ', en:' and runs "
            "on to the end of the file: close it after 'helpen?', before the comma: "
            "say: {nl: 'Waarmee kan ik je helpen?', en: What can I do?}",
            "        say: {nl: 'Waarmee kan ik je helpen?', en: What can I do?}\n",
            id="never closed",
        ),
        pytest.param(
            '      - {id: ask, ask: "Waarmee kan ik je helpen?, next: "hello"}\n'
            "      - id: hello\n",
            "6:59",
            "the text of 'ask' on line 6 lacks its closing quote (\"), so it takes in ', next:' "
            "and ends at the quote that opens the text of 'next': close it after 'helpen?', before the comma: "
            '{id: ask, ask: "Waarmee kan ik je helpen?", next: "hello"}',
            '      - {id: ask, ask: "Waarmee kan ik je helpen?", next: "hello"}\n'
            "      - id: hello\n",
            id="a step in braces",
        ),
    ],
)
def test_an_unclosed_quote_in_braces_is_closed_before_the_next_key(
    workdir: Path, line: str, where: str, hint: str, fixed: str
) -> None:
    """``{nl: "Hoi, en: "Hi"}`` is one quote short, not a quote too many: the advice is to close
    the text before ``, en:``, and following it gives a file that reads."""
    head = HEAD + "flows:\n  - id: main\n    steps:\n"
    start = "" if line.startswith("      - {") else "      - id: hello\n"
    rest = "        say: Hoi\n        end: true\n" if start == "" else "        end: true\n"
    error = only_error(head + start + line + rest)
    assert error.startswith(f"{NAME}:{where}: error: {hint}"), error
    assert 'as \\"' not in error and "twice" not in error, error
    assert check(head + start + fixed + rest)[1] == []


@pytest.mark.parametrize(
    ("step", "where", "message"),
    [
        pytest.param(
            "      - id: hello\n        ask: Wat wil je doen?\n        options:\n"
            "          - {label: Iets retourneren, graag, goto: returns}\n",
            "9:39",
            "flows[0].steps[0].options[0].graag: unknown key 'graag': the comma in the text of "
            "'label' ends it, so YAML reads 'graag' as a key; quote the text: "
            'label: "Iets retourneren, graag"',
            id="an option's label",
        ),
        pytest.param(
            "      - {id: hello, say: Hallo, ik ben een bot, end: true, next: returns}\n",
            "6:33",
            "unknown key 'ik ben een bot': the comma in the text of 'say' ends it, so YAML reads "
            "'ik ben een bot' as a key; quote the text: say: \"Hallo, ik ben een bot\"",
            id="a step's text",
        ),
    ],
)
def test_a_comma_in_a_plain_text_in_braces(
    workdir: Path, step: str, where: str, message: str
) -> None:
    text = HEAD + "flows:\n  - id: main\n    steps:\n" + step
    text += "      - {id: returns, say: Ok, end: true}\n"
    code, errors = check(text)
    assert code == 2
    assert any(e.startswith(f"{NAME}:{where}: error: ") and message in e for e in errors), errors


def test_a_comma_story_needs_several_pieces_on_one_line(workdir: Path) -> None:
    text = HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
    text += "        ask: Wat wil je doen?\n        options:\n"
    text += "          - {label: Iets, ook dit,graag, goto: returns}\n"
    text += "      - {id: returns, say: Ok, end: true}\n"
    code, errors = check(text)
    assert code == 2 and len(errors) == 2, errors
    assert all('quote the text: label: "Iets, ook dit,graag"' in e for e in errors), errors


@pytest.mark.parametrize(
    "option",
    [
        pytest.param('{label: "Iets retourneren", graag, goto: returns}', id="quoted text"),
        pytest.param("{label: Iets retourneren, graag: , goto: returns}", id="key with a colon"),
        pytest.param(
            "{label: Iets retourneren,\n             graag, goto: returns}", id="next line"
        ),
    ],
)
def test_no_comma_story_for_an_unknown_key_that_is_one(workdir: Path, option: str) -> None:
    text = HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
    text += f"        ask: Wat wil je doen?\n        options:\n          - {option}\n"
    text += "      - {id: returns, say: Ok, end: true}\n"
    error = only_error(text)
    assert "unknown key 'graag' (known keys: " in error and "comma" not in error, error


def test_the_parsers_words_stay_after_the_hint(workdir: Path) -> None:
    error = only_error("cxaudit: 1\nbot:\n  name: Hulpbot\n    languages: [nl]\n" + FLOW)
    assert error.endswith("(YAML: mapping values are not allowed in this context)"), error


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("cxaudit: 1\nbot: {name: [X\n", id="unclosed bracket"),
        pytest.param("cxaudit: 1\n? [a, b]\n: c\n", id="complex key"),
        pytest.param("cxaudit: 1\nbot: {name: X}}\n", id="stray brace"),
    ],
)
def test_no_hint_where_the_mistake_is_not_a_known_one(workdir: Path, text: str) -> None:
    error = only_error(text)
    assert "(YAML:" not in error and "indent" not in error and "quote" not in error, error


# -- a comma in a text in braces ----------------------------------------------------------------


def test_a_comma_in_a_text_in_braces_is_explained(workdir: Path) -> None:
    text = HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
    text += "        say: {nl: Hallo, ik ben een bot}\n        end: true\n"
    error = only_error(text)
    assert error.startswith(f"{NAME}:7:26: error: flows[0].steps[0].say"), error
    assert (
        "the comma in the nl text ends it, so YAML reads 'ik ben een bot' as a language code; "
        'quote the text: {nl: "Hallo, ik ben een bot"}'
    ) in error
    assert "ISO 639-1" not in error


def test_a_comma_in_each_language_of_a_map(workdir: Path) -> None:
    text = HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
    text += "        say: {nl: Hallo, ik ben een bot, en: Hello, I am a bot}\n        end: true\n"
    error = only_error(text)
    assert 'quote the text: {nl: "Hallo, ik ben een bot", en: "Hello, I am a bot"}' in error


def test_braces_around_a_plain_text(workdir: Path) -> None:
    text = HEAD + "flows:\n  - id: main\n    steps:\n"
    text += "      - {id: hello, end: true, say: {Hallo, ik ben een bot}}\n"
    code, errors = check(text)
    assert code == 2
    assert errors and all(
        'leave out the braces and quote the text: say: "Hallo, ik ben een bot"' in e for e in errors
    ), errors


def test_a_wrong_language_key_in_block_style_gets_no_comma_story(workdir: Path) -> None:
    text = HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
    text += "        say:\n          NL: Hallo\n        end: true\n"
    error = only_error(text)
    assert error.startswith(f"{NAME}:8:11: error: "), error
    assert "the key 'NL' is not an ISO 639-1 language code" in error
    assert "did you mean 'nl'?" in error
    assert "comma" not in error


# -- values in the wrong form: did you mean ----------------------------------------------------


def human(hours: str = "mo-fr 09:00-17:00", wait: str = "3m") -> str:
    return (
        HEAD
        + f'humans:\n  - id: team\n    channel: live_chat\n    hours: "{hours}"\n'
        + f'    expected_wait: "{wait}"\n'
        + FLOW
    )


@pytest.mark.parametrize(
    ("hours", "meant"),
    [
        ("ma-vr 09:00-17:00, za 10:00-14:00", "'mo-fr 09:00-17:00, sa 10:00-14:00'"),
        ("Mo-Fr 9-17, Sa 10-14", "'mo-fr 09:00-17:00, sa 10:00-14:00'"),
        ("Mo-Fr 08:00-20:00; Mi 10:00-12:00", "'mo-fr 08:00-20:00, we 10:00-12:00'"),
        ("monday-friday 9:00 - 17:00", "'mo-fr 09:00-17:00'"),
        ("mon-fri 09.00-17.00, sat 10.00-14.00", "'mo-fr 09:00-17:00, sa 10:00-14:00'"),
        ("ma t/m vr van 9 tot 17 uur, zo gesloten", "'mo-fr 09:00-17:00'"),
        ("ma, wo, vr 9-12 en 13-17", "'mo,we,fr 09:00-12:00 13:00-17:00'"),
        ("9-17", "'mo-fr 09:00-17:00' or 'mo-su 09:00-17:00'"),
        ("09.00-17.00", "'mo-fr 09:00-17:00' or 'mo-su 09:00-17:00'"),
        ("9:00 - 17:00", "'mo-fr 09:00-17:00' or 'mo-su 09:00-17:00'"),
        ("24x7", "'24/7'"),
        ("24/7/365", "'24/7'"),
    ],
)
def test_opening_hours_did_you_mean(workdir: Path, hours: str, meant: str) -> None:
    error = only_error(human(hours=hours))
    assert error.startswith(f"{NAME}:6:12: error: humans[0].hours: '{hours}' is not opening hours")
    assert error.endswith(f"; did you mean {meant}?"), error


@pytest.mark.parametrize(
    ("wait", "meant"),
    [
        ("5 minuten", "5m"),
        ("5 min", "5m"),
        ("2 uur", "2h"),
        ("1,5 uur", "90m"),
        ("1h 30m", "90m"),
        ("90 Sekunden", "90s"),
        ("2 weken", "2w"),
        ("12 maanden", "1y"),
        ("PT5M", "5m"),
    ],
)
def test_duration_did_you_mean(workdir: Path, wait: str, meant: str) -> None:
    error = only_error(human(wait=wait))
    assert error.startswith(
        f"{NAME}:7:20: error: humans[0].expected_wait: '{wait}' is not a duration"
    ), error
    assert error.endswith(f"; did you mean '{meant}'?"), error


@pytest.mark.parametrize(
    ("language", "meant"),
    [
        ("NL", "nl"),
        ("nl-NL", "nl"),
        ("nl_BE", "nl"),
        ("dutch", "nl"),
        ("Nederlands", "nl"),
        ("english", "en"),
        ("Deutsch", "de"),
    ],
)
def test_language_code_did_you_mean(workdir: Path, language: str, meant: str) -> None:
    text = f"cxaudit: 1\nbot: {{name: Hulpbot, languages: [{language}]}}\n" + FLOW
    error = only_error(text)
    assert error.startswith(
        f"{NAME}:2:34: error: bot.languages[0]: '{language}' is not an ISO 639-1 language code"
    ), error
    assert error.endswith(f"; did you mean '{meant}'?"), error


def test_waiver_fields_did_you_mean(workdir: Path) -> None:
    text = HEAD + FLOW
    text += "waivers:\n  - {rule: cx5, reason: test, expires: 30-06-2027}\n"
    code, errors = check(text)
    assert code == 2
    assert any("'cx5' is not a rule id such as CX10; did you mean 'CX05'?" in e for e in errors)
    assert any("did you mean '2027-06-30'?" in e for e in errors), errors


@pytest.mark.parametrize(
    ("hours", "wait"),
    [
        pytest.param("op afspraak", "3m", id="hours by appointment"),
        pytest.param("ma-vr 9-17 behalve feestdagen", "3m", id="hours with words we do not know"),
        pytest.param("lu-ve 9-17", "3m", id="French day names: ma and di mean other days"),
        pytest.param("ma-vr 25:00-17:00", "3m", id="an hour that does not exist"),
        pytest.param("mo-fr 09:00-17:00", "6 maanden", id="months that are no whole years"),
        pytest.param("mo-fr 09:00-17:00", "3 M", id="a capital M may be months"),
        pytest.param("mo-fr 09:00-17:00", "een uur", id="a number in words"),
        pytest.param("mo-fr 09:00-17:00", "5", id="no unit"),
    ],
)
def test_no_guess_without_a_confident_correction(workdir: Path, hours: str, wait: str) -> None:
    error = only_error(human(hours=hours, wait=wait))
    assert "did you mean" not in error, error


@pytest.mark.parametrize("language", ["klingon", "xyz", "n"])
def test_no_language_guess_for_what_is_no_language(workdir: Path, language: str) -> None:
    error = only_error(f"cxaudit: 1\nbot: {{name: Hulpbot, languages: [{language}]}}\n" + FLOW)
    assert "did you mean" not in error, error


@pytest.mark.parametrize(
    ("hours", "wait"),
    [
        ("24/7", "0s"),
        ("mo 00:00-24:00", "1y"),
        ("mo,we,fr 08:00-12:00 13:00-17:00; sa 9:00-12:00", "90s"),
        ("su 10:00-14:00", "100w"),
    ],
)
def test_valid_but_unusual_values_are_accepted_as_they_are(
    workdir: Path, hours: str, wait: str
) -> None:
    code, errors = check(human(hours=hours, wait=wait))
    assert errors == []
    assert code in (0, 1)


def _flow_pattern(*path: str) -> str:
    node: object = load_schema("flow.schema.json")
    for part in path:
        assert isinstance(node, dict)
        node = node[part]
    assert isinstance(node, dict)
    pattern = node["pattern"]
    assert isinstance(pattern, str)
    return pattern


PATTERNS = {
    "hours": _flow_pattern("$defs", "human", "properties", "hours"),
    "duration": _flow_pattern("$defs", "duration"),
    "language": _flow_pattern("$defs", "language"),
    "rule": _flow_pattern("$defs", "waiver", "properties", "rule"),
    "date": _flow_pattern("$defs", "waiver", "properties", "expires"),
    "url": _flow_pattern("$defs", "privacy", "properties", "policy_url"),
}

WRONG = {
    "hours": [
        "ma-vr 09:00-17:00, za 10:00-14:00",
        "Mo-Fr 8-20, Sa 9-17",
        "maandag t/m vrijdag 8.30-17.30 uur",
        "werkdagen 8-18, weekend 10-16",
        "Mo.-Fr. 08:00-24:00",
        "9-17",
        "24 x 7",
        "dagelijks 0-24",
    ],
    "duration": [
        "5 minuten",
        "5 min.",
        "2 uur",
        "1,5 uur",
        "3 dagen",
        "P1D",
        "1 Jahr",
        "36 months",
    ],
    "language": ["NL", "nl-BE", "EN_gb", "Nederlands", "english", "Français", "nld"],
    "rule": ["cx1", "CX-10", "cx 09"],
    "date": ["2027-6-30", "30-06-2027", "31.12.2027", "2027/01/15"],
    "url": ["www.example.nl/privacy", "example.nl/privacy"],
}


@pytest.mark.parametrize(
    ("kind", "value"), [(kind, value) for kind, values in WRONG.items() for value in values]
)
def test_every_suggestion_matches_the_schema(kind: str, value: str) -> None:
    pattern = PATTERNS[kind]
    found = corrections(value, pattern)
    assert found, value
    assert all(re.search(pattern, suggestion) for suggestion in found), found
    for other, other_pattern in PATTERNS.items():  # and no fixer speaks out of turn
        if other != kind:
            assert all(not re.search(other_pattern, s) for s in corrections(value, other_pattern))


def test_a_pattern_without_x_expect_is_explained_without_its_regex() -> None:
    from jsonschema import Draft202012Validator

    schema = {"type": "object", "properties": {"code": {"pattern": "^[A-Z]{3}-[0-9]+$"}}}
    (error,) = Draft202012Validator(schema).iter_errors({"code": "abc"})
    ((_, message, _),) = _explain(error)
    assert "[A-Z]" not in message and "^" not in message
    assert (
        message == "'abc' is not written the way this key needs (`cxaudit schema` shows the format)"
    )


def test_a_language_map_key_is_explained_without_a_regex(workdir: Path) -> None:
    """The x- branch of a language key has a pattern of its own and no x-expect: its words come
    from the schema around it."""
    text = HEAD + "flows:\n  - id: main\n    steps:\n      - id: hello\n"
    text += "        say:\n          nl: Hallo\n          y-note: iets\n        end: true\n"
    error = only_error(text)
    assert "^x-" not in error and "matching" not in error, error
    assert "is not an ISO 639-1 language code" in error, error


def test_every_schema_pattern_is_explained_in_words() -> None:
    """Every pattern in the flow and configuration schemas has words for it: an x-expect of its
    own or on the schema around it (an anyOf/oneOf branch)."""
    lacking = []
    for name in ("flow.schema.json", "config.schema.json"):
        stack: list[tuple[object, str | None, str]] = [(load_schema(name), None, "")]
        while stack:
            node, around, where = stack.pop()
            if isinstance(node, dict):
                expect = node.get("x-expect", around)
                if isinstance(node.get("pattern"), str) and not expect:
                    lacking.append(f"{name}{where}")
                for key, value in node.items():
                    inherited = expect if key in ("anyOf", "oneOf") else None
                    stack.append((value, inherited, f"{where}/{key}"))
            elif isinstance(node, list):
                stack.extend((v, around, f"{where}/{i}") for i, v in enumerate(node))
    assert lacking == []


def test_hints_cost_nothing_on_a_huge_file() -> None:
    """Only the lines near the error are read for a hint: a file of 200,000 lines costs about
    what a small one does."""
    steps = "".join(
        f'      - {{id: s{i}, say: "Hallo {i}", next: s{i + 1}}}\n' for i in range(200_000)
    )
    text = (
        HEAD
        + "flows:\n  - id: main\n    steps:\n"
        + steps
        + "      - id: z\n        say: Let op: x\n"
    )
    index = text.rindex(": x")
    line = text.count("\n", 0, index)
    mark = yaml.Mark(NAME, index, line, index - text.rindex("\n", 0, index) - 1, None, 0)
    error = yaml.MarkedYAMLError(problem="mapping values are not allowed here", problem_mark=mark)
    started = time.perf_counter()
    assert yaml_hint(error, text) == "a text with ': ' in it must be quoted: say: \"Let op: x\""
    assert time.perf_counter() - started < 2.0


def test_either_branch_of_a_language_key_gives_the_suggestion() -> None:
    """A language key is a code or an x- key (anyOf): whichever branch jsonschema reports, the
    suggestion is the code."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema("flow.schema.json"))
    data = {
        "cxaudit": 1,
        "bot": {"name": "X"},
        "flows": [{"id": "m", "steps": [{"id": "h", "say": {"NL": "Hallo"}, "end": True}]}],
    }
    (error,) = validator.iter_errors(data)
    branches = [e for branch in error.context for e in branch.context or ()]
    assert {e.validator_value for e in branches} == {"^[a-z]{2}$", "^x-"}
    for branch in branches:
        ((_, message, at_key),) = _explain(branch)
        assert at_key and message.endswith("; did you mean 'nl'?"), message
