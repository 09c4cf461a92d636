"""Hostile inputs, one per way a pull request could make cxaudit misbehave in CI (issue 10).

Each :class:`Attack` writes its input into an empty folder and says how cxaudit is run on it
(the arguments of the command line, run in that folder) and which exit codes are acceptable.
``tests/test_attacks.py`` runs every one in-process and checks what must hold for all of them
(no traceback, no raw escape or workflow command from the input, the file named); ``bench/
attacks.py`` runs them as separate processes and measures each one's time and memory (the
targets: 10 s and 500 MiB), which tests must not do on a shared machine.

Big inputs are generated here, never stored: a 50 MB text is a line of code.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Text from the input that must never reach an output raw: an ESC sequence (colours, a title
# change) and a GitHub workflow command at the start of a line.
ROOT = Path(__file__).resolve().parent.parent
ESC = "\x1b]0;pwned\x07\x1b[31m"
WORKFLOW = "\n::warning title=pwned::injected\n"
INJECTION = ESC + WORKFLOW
# Above U+007F: an 8-bit CSI, a next-line, a line separator, a right-to-left override.
C1 = "\u009b31m\u0085::notice title=pwned::c1\u2028::notice title=pwned::ls\u202e"


@dataclass(frozen=True)
class Attack:
    name: str
    kind: str  # the class of the issue: time, traceback, injection, writing, output, dates
    build: Callable[[Path], list[str]]  # writes the input, returns the command's arguments
    exits: frozenset[int] = frozenset({0, 1, 2})
    names: str = ""  # what an exit-2 message must name (a file, member or key), if anything
    heavy: bool = False  # takes seconds to build or run: the in-process test runs it smaller
    stdout: str | None = None  # where standard output goes (a device such as /dev/full)
    checks: tuple[str, ...] = field(default=())  # extra checks test_attacks.py knows by name


#: What must never reach an output raw: ESC, an 8-bit CSI, a next-line, a line separator, a
#: right-to-left override, a byte of a file name that is not UTF-8.
RAW = ("\x1b", "\u009b", "\u0085", "\u2028", "\u202e", "\udcff")


def problems(attack: Attack, code: int, output: str, stderr: str) -> list[str]:
    """What went wrong in one run of an attack, whoever ran it (test_attacks.py in-process,
    bench/attacks.py as a process): ``output`` is standard output and error together."""
    found = []
    if code not in attack.exits:
        found.append(f"exit {code}")
    if "Traceback" in output:
        found.append("traceback")
    raw = [c for c in RAW if c in output]
    if raw:
        found.append("raw " + " ".join(ascii(c) for c in raw))
    if any(line.startswith("::warning title=pwned") for line in output.splitlines()):
        found.append("workflow command")
    if code == 2 and attack.names and attack.names not in stderr:
        found.append(f"{attack.names} not named")
    return found


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


FLOW = """cxaudit: 1
bot: {{name: Helpdesk, languages: [en]}}
flows:
  - id: main
    steps:
      - id: hello
        say: {say}
        next: bye
      - id: bye
        say: Goodbye.
        end: true
"""


def flow(say: str = '"Hi, I am a bot."') -> str:
    return FLOW.format(say=say)


def rasa(root: Path, *, nlu: str | None = None, flows: str | None = None) -> Path:
    """A small Rasa 3 project (a Rasa Pro CALM one when ``flows`` is given)."""
    write(
        root / "domain.yml",
        'version: "3.1"\nresponses:\n  utter_greet:\n  - text: "Hi, I am a bot."\n',
    )
    write(
        root / "data" / "rules.yml",
        'version: "3.1"\nrules:\n- rule: greet\n  steps:\n  - intent: greet\n'
        "  - action: utter_greet\n",
    )
    if nlu is not None:
        write(root / "data" / "nlu.yml", nlu)
    if flows is not None:
        write(root / "data" / "flows.yml", flows)
    return root


def dialogflow_cx(root: Path, *, text: str = "Hi, I am a bot.", page: str = "Menu") -> Path:
    """A small Dialogflow CX export whose start says ``text`` and leads to a page ``page``."""
    write(root / "agent.json", json.dumps({"displayName": "Bot", "defaultLanguageCode": "en"}))
    say = {"messages": [{"text": {"text": [text]}}]}
    start = {
        "displayName": "Default Start Flow",
        "transitionRoutes": [
            {"intent": "Default Welcome Intent", "triggerFulfillment": say, "targetPage": page}
        ],
    }
    write(root / "flows" / "Default Start Flow" / "Default Start Flow.json", json.dumps(start))
    menu = {"displayName": page, "entryFulfillment": {"messages": [{"text": {"text": ["Menu"]}}]}}
    write(root / "flows" / "Default Start Flow" / "pages" / "Menu.json", json.dumps(menu))
    intent = root / "intents" / "Default Welcome Intent"
    write(intent / "Default Welcome Intent.json", json.dumps({"displayName": intent.name}))
    phrases = {"trainingPhrases": [{"parts": [{"text": "hi"}], "languageCode": "en"}]}
    write(intent / "trainingPhrases" / "en.json", json.dumps(phrases))
    return root


def baseline(entries: str) -> str:
    """A baseline file for ``flow.yaml`` whose findings list is ``entries`` (JSON text)."""
    return (
        '{"cxaudit": "0.1.0", "format": 1, "files": {"flow.yaml": {"score": 50.0, '
        f'"findings": {entries}}}}}}}'
    )


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _damage(path: Path, marker: bytes) -> None:
    """Overwrite the compressed data right after a member's name in the archive."""
    data = bytearray(path.read_bytes())
    at = data.index(marker) + len(marker)
    data[at : at + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))


# -- hangs and runaway time ------------------------------------------------------------------


def dev_zero_in_rasa(tmp: Path) -> list[str]:
    project = rasa(tmp / "bot")
    (project / "data" / "zero.yml").symlink_to("/dev/zero")
    os.mkfifo(project / "data" / "pipe.yml")
    return ["check", "bot"]


def self_link_under_glob(tmp: Path) -> list[str]:
    write(tmp / "bots" / "a.flow.yaml", flow())
    (tmp / "bots" / "self").symlink_to(".")
    (tmp / "bots" / "up").symlink_to("..")
    return ["check", "bots/**/*.yaml"]


def self_link_in_folder_walk(tmp: Path) -> list[str]:
    write(tmp / "bots" / "a.flow.yaml", flow())
    (tmp / "bots" / "self").symlink_to(".")
    (tmp / "bots" / "up").symlink_to("..")
    return ["check", "bots"]


def self_link_in_rasa(tmp: Path) -> list[str]:
    project = rasa(tmp / "bot")
    (project / "data" / "self").symlink_to(".")
    (project / "domain").mkdir()
    (project / "domain" / "self").symlink_to(".")
    return ["check", "bot"]


def waiver_many_pairs(tmp: Path) -> list[str]:
    pairs = " a=b" * 50_000
    write(tmp / "flow.yaml", flow() + f"# cxaudit: ignore[CX01] reason=x{pairs}\n")
    return ["check", "flow.yaml"]


def waiver_pairs_without_end(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow() + '# cxaudit: ignore[CX01] reason="' + "\\a" * 100_000 + "\n")
    return ["check", "flow.yaml"]


def thousands_of_waivers(tmp: Path) -> list[str]:
    comments = '# cxaudit: ignore[CX01] reason="x"\n' * 20_000
    write(tmp / "flow.yaml", flow() + comments)
    return ["check", "flow.yaml"]


def directive_in_quoted_scalars(tmp: Path) -> list[str]:
    text = " #cxaudit: ignore[CX01]" * 100_000
    write(tmp / "flow.yaml", flow(f'"{text}"'))
    return ["check", "flow.yaml"]


def pyproject_long_line(tmp: Path) -> list[str]:
    write(tmp / "pyproject.toml", "[[" + " " * 2_000_000 + "\n[" + " \t" * 1_000_000 + "x\n")
    write(tmp / "flow.yaml", flow())
    return ["check", "flow.yaml"]


def rasa_nlu_brackets(tmp: Path) -> list[str]:
    example = "[" * 100_000 + "](" * 50_000
    nlu = f'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - {example}\n'
    rasa(tmp / "bot", nlu=nlu)
    return ["check", "bot"]


def calm_condition_blanks(tmp: Path) -> list[str]:
    condition = "slots.a" + " " * 100_000 + "is" + " " * 100_000 + "x"
    flows = (
        "flows:\n  main:\n    description: help\n    steps:\n"
        f'    - collect: a\n      next:\n      - if: "{condition}"\n        then: END\n'
        "      - else: END\n"
    )
    rasa(tmp / "bot", flows=flows)
    return ["check", "bot"]


def dialogflow_many_ssml_tags(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent", text="<speak>" + "<s " * 60_000 + "<" * 60_000)
    return ["check", "agent"]


def dialogflow_many_functions(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent", text="$flow.a(" * 60_000 + "$session.params." * 20_000)
    return ["check", "agent"]


def anchored_text_said_everywhere(tmp: Path) -> list[str]:
    steps = "".join(
        f"      - id: s{i}\n        say: *t\n        next: s{i + 1}\n" for i in range(300)
    )
    text = (
        "cxaudit: 1\nbot: {name: Helpdesk, languages: [en]}\n"
        f'x-text: &t "{"I am a bot. " * 8_500}"\n'
        f"flows:\n  - id: main\n    steps:\n{steps}      - id: s300\n        say: Bye.\n"
        "        end: true\n"
    )
    write(tmp / "flow.yaml", text)
    return ["check", "flow.yaml"]


def ligatures(tmp: Path) -> list[str]:
    """U+FDFA is one character that NFKD turns into 18; 3 MB of it is 54 million."""
    write(tmp / "flow.yaml", flow('"' + "\ufdfa" * 1_000_000 + '"'))
    return ["check", "flow.yaml"]


def tiny_nodes(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow() + "x-list: [" + "0," * 2_500_000 + "0]\n")
    return ["check", "flow.yaml"]


def fifty_megabyte_text(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow('"' + "I am a bot. " * 4_200_000 + '"'))
    return ["check", "flow.yaml"]


def fifty_thousand_files(tmp: Path) -> list[str]:
    project = rasa(tmp / "bot")
    folder = project / "data" / "many"
    folder.mkdir()
    text = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n'
    for i in range(50_000):
        (folder / f"nlu{i}.yml").write_text(text, encoding="utf-8")
    return ["check", "bot"]


def fifty_thousand_flow_files(tmp: Path) -> list[str]:
    folder = tmp / "bots"
    folder.mkdir()
    text = flow()
    for i in range(50_000):
        (folder / f"b{i}.flow.yaml").write_text(text, encoding="utf-8")
    return ["check", "bots", "-f", "concise"]


def zip_with_many_members(tmp: Path) -> list[str]:
    """Written by hand (zipfile takes seconds for 300,000 members): empty stored members."""
    names = [b"agent.json", b"flows/x.json"] + [f"m{i}".encode() for i in range(300_000)]
    local, central = bytearray(), bytearray()
    for name in names:
        offset = len(local)
        local += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
        local += name
        fields = (20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, offset)
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", *fields)
        central += name
    count = min(len(names), 0xFFFF)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(central), len(local), 0)
    write(tmp / "agent.zip", bytes(local + central + end))
    return ["check", "agent.zip"]


def huge_pyproject(tmp: Path) -> list[str]:
    write(tmp / "pyproject.toml", "[tool.other]\nx = '" + "a" * 80_000_000 + "'\n")
    write(tmp / "flow.yaml", flow())
    return ["check", "flow.yaml"]


def huge_baseline(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    write(tmp / "base.json", baseline("[" + '{"a": 1},' * 8_000_000 + "{}]"))
    return ["check", "flow.yaml", "--baseline", "base.json"]


# -- tracebacks ------------------------------------------------------------------------------


def zip_damaged_deflate(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent")
    members = {
        p.relative_to(tmp / "agent").as_posix(): p.read_bytes()
        for p in sorted((tmp / "agent").rglob("*.json"))
    }
    members["flows/Default Start Flow/pages/Menu.json"] = b"x" * 4096
    _zip(tmp / "agent.zip", members)
    _damage(tmp / "agent.zip", b"Menu.json")
    return ["check", "agent.zip"]


def zip_damaged_lzma(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent")
    members = {
        p.relative_to(tmp / "agent").as_posix(): p.read_bytes()
        for p in sorted((tmp / "agent").rglob("*.json"))
    }
    _zip(tmp / "agent.zip", members, zipfile.ZIP_LZMA)
    _damage(tmp / "agent.zip", b"Menu.json")
    return ["check", "agent.zip"]


def zip_member_without_name(tmp: Path) -> list[str]:
    _zip(tmp / "agent.zip", {"agent.json": b"{}", "flows/x.json": b"{}", "QQQQ": b"x"})
    # A name that starts with NUL reads back as "" (zipfile cuts names at NUL).
    archive = tmp / "agent.zip"
    archive.write_bytes(archive.read_bytes().replace(b"QQQQ", b"\x00QQQ"))
    return ["check", "agent.zip"]


def hex_number_of_4000_digits(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow() + "escalation: {max_retries: 0x" + "f" * 4_000 + "}\n")
    return ["check", "flow.yaml"]


def number_of_5001_digits(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow() + "escalation: {max_retries: 1" + "0" * 5_000 + "}\n")
    return ["check", "flow.yaml"]


def retries_of_ten_to_the_400(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow() + "escalation: {max_retries: 1e400}\n")
    return ["check", "flow.yaml"]


def baseline_nested_deep(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    write(tmp / "base.json", baseline("[" * 100_000 + "]" * 100_000))
    return ["check", "flow.yaml", "--baseline", "base.json"]


def baseline_score_of_ten_to_the_400(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    text = baseline("[]").replace('"score": 50.0', '"score": 1e400')
    write(tmp / "base.json", text)
    return ["check", "flow.yaml", "--baseline", "base.json"]


def baseline_nan(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    write(tmp / "base.json", baseline("[]").replace('"score": 50.0', '"score": NaN'))
    return ["check", "flow.yaml", "--baseline", "base.json", "-f", "json"]


def baseline_lone_surrogate(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    entry = '[{"fingerprint": "\\udc00", "rule": "CX01", "check": "x", "message": "\\ud800"}]'
    write(tmp / "base.json", baseline(entry))
    return ["check", "flow.yaml", "--baseline", "base.json"]


def baseline_step_not_text(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    entry = '[{"fingerprint": "abc", "rule": "CX01", "check": "x", "step": [1, {"a": 2}]}]'
    write(tmp / "base.json", baseline(entry))
    return ["check", "flow.yaml", "--baseline", "base.json"]


def pyproject_nested_deep(tmp: Path) -> list[str]:
    write(tmp / "pyproject.toml", "[tool.cxaudit]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n")
    write(tmp / "bots" / "flow.yaml", flow())
    return ["check", "bots/flow.yaml"]


def config_nested_deep(tmp: Path) -> list[str]:
    write(tmp / "cxaudit.yaml", "rules: " + "[" * 100_000 + "]" * 100_000 + "\n")
    write(tmp / "flow.yaml", flow())
    return ["check", "flow.yaml", "--config", "cxaudit.yaml"]


def flow_nested_deep(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow() + "x: " + "[" * 100_000 + "]" * 100_000 + "\n")
    return ["check", "flow.yaml"]


def json_nested_deep_in_project(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent")
    write(
        tmp / "agent" / "flows" / "Default Start Flow" / "pages" / "Deep.json",
        '{"displayName": "Deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    )
    return ["check", "agent"]


def link_loop_as_the_file(tmp: Path) -> list[str]:
    (tmp / "loop.yaml").symlink_to("loop.yaml")
    return ["check", "loop.yaml"]


def link_loop_as_the_configuration(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    (tmp / "loop.yaml").symlink_to("loop.yaml")
    return ["check", "flow.yaml", "--config", "loop.yaml"]


def link_loop_in_project(tmp: Path) -> list[str]:
    project = rasa(tmp / "bot")
    (project / "data" / "a.yml").symlink_to("b.yml")
    (project / "data" / "b.yml").symlink_to("a.yml")
    return ["check", "bot"]


def full_disk(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    return ["check", "flow.yaml"]


# -- output injection ------------------------------------------------------------------------


def injection_in_baseline(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    entry = json.dumps([{"fingerprint": "abc", "rule": "CX01", "check": "x", "message": INJECTION}])
    write(tmp / "base.json", baseline(entry))
    return ["check", "flow.yaml", "--baseline", "base.json", "-f", "github"]


def injection_in_help_url(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    write(tmp / "cxaudit.yaml", f"help_url: {json.dumps('javascript:alert(1)' + INJECTION)}\n")
    return ["check", "flow.yaml", "--config", "cxaudit.yaml", "-f", "sarif"]


def injection_in_page_name(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent", page="Menu" + INJECTION)
    return ["check", "agent", "-f", "github"]


def injection_in_bot_text(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow(json.dumps("Hi" + INJECTION)))
    return ["check", "flow.yaml"]


def injection_in_file_name(tmp: Path) -> list[str]:
    name = "x\x1b[31m::warning title=pwned::injected.flow.yaml"
    write(tmp / "bots" / name, "cxaudit: 1\nbot: [\n")
    return ["check", "bots", "-f", "github"]


def c1_controls_in_json(tmp: Path) -> list[str]:
    escaped = json.dumps("Hi" + C1)  # JSON escapes are YAML escapes too: the file is plain ASCII
    text = flow(escaped).replace("name: Helpdesk", f"name: {json.dumps('Help' + C1)}")
    write(tmp / "flow.yaml", text)
    return ["check", "flow.yaml", "-f", "json"]


def injection_in_a_zip_member_name(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent")
    members = {}
    for path in sorted((tmp / "agent").rglob("*.json")):
        name = path.relative_to(tmp / "agent").as_posix()
        members[name.replace("Menu.json", "Me" + INJECTION + C1 + "nu.json")] = path.read_bytes()
    _zip(tmp / "agent.zip", members)
    return ["check", "agent.zip", "-f", "github"]


def c1_controls_in_a_file_name(tmp: Path) -> list[str]:
    write(tmp / "bots" / ("c" + C1.replace("/", "") + ".flow.yaml"), flow())
    return ["check", "bots", "-f", "json"]


def _bytes_name(folder: Path, name: bytes, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(os.path.join(os.fsencode(folder), name), "wb") as handle:  # noqa: PTH118, PTH123
        handle.write(text.encode("utf-8"))


def name_not_utf8_in_a_folder(tmp: Path) -> list[str]:
    _bytes_name(tmp / "bots", b"x\xff.flow.yaml", flow())
    return ["check", "bots", "-f", "concise"]


def name_not_utf8_under_a_glob(tmp: Path) -> list[str]:
    _bytes_name(tmp / "bots", b"x\xff.flow.yaml", flow())
    return ["check", "bots/*.yaml", "-f", "sarif"]


def name_not_utf8_in_a_project(tmp: Path) -> list[str]:
    """A broken file with such a name: the note that says it cannot be read names it."""
    project = rasa(tmp / "bot")
    _bytes_name(project / "data", b"n\xff.yml", 'version: "3.1"\nnlu: [\n')
    return ["check", "bot", "-f", "json"]


# -- writing outside, invalid output, dates --------------------------------------------------


def output_through_a_link(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    write(tmp / "precious.txt", "keep me\n")
    (tmp / "report.sarif").symlink_to("precious.txt")
    return ["check", "flow.yaml", "-f", "sarif", "-o", "report.sarif"]


def fail_under_nan(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow())
    write(tmp / "cxaudit.yaml", "fail_under: .nan\n")
    return ["check", "flow.yaml", "--config", "cxaudit.yaml", "-f", "sarif"]


def dialogflow_escaped_emoji(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent")
    menu = tmp / "agent" / "flows" / "Default Start Flow" / "pages" / "Menu.json"
    write(
        menu,
        '{"displayName": "Menu", "entryFulfillment": {"messages": '
        '[{"text": {"text": ["How can I help? \\ud83d\\ude00"]}}]}}',
    )
    return ["check", "agent", "-f", "json"]


def dialogflow_duplicate_key(tmp: Path) -> list[str]:
    dialogflow_cx(tmp / "agent")
    menu = tmp / "agent" / "flows" / "Default Start Flow" / "pages" / "Menu.json"
    write(menu, '{"displayName": "Menu", "displayName": "Other"}')
    return ["check", "agent"]


def sarif_under_a_drive_like_folder(tmp: Path) -> list[str]:
    write(tmp / "C:" / "flow.yaml", flow())
    return ["check", "C:/flow.yaml", "-f", "sarif"]


def waiver_expiring_today(tmp: Path) -> list[str]:
    write(
        tmp / "flow.yaml", flow() + "waivers:\n  - {rule: CX05, reason: x, expires: 2026-12-07}\n"
    )
    return ["check", "flow.yaml", "--today", "2026-12-07", "-f", "json"]


ATTACKS: tuple[Attack, ...] = (
    Attack("/dev/zero and a FIFO in a Rasa project", "time", dev_zero_in_rasa),
    Attack("a link to its own folder under a ** glob", "time", self_link_under_glob),
    Attack("a link to its own folder in a searched folder", "time", self_link_in_folder_walk),
    Attack("a link to its own folder in a Rasa project", "time", self_link_in_rasa),
    Attack(
        "a waiver comment with 50,000 key=value pairs", "time", waiver_many_pairs, names="flow.yaml"
    ),
    Attack(
        "a waiver comment with an unclosed quote",
        "time",
        waiver_pairs_without_end,
        names="flow.yaml",
    ),
    Attack("20,000 waiver comments", "time", thousands_of_waivers, heavy=True),
    Attack("#cxaudit: inside a quoted scalar, 100,000 times", "time", directive_in_quoted_scalars),
    Attack("a pyproject.toml line of 4 MB of [[ and blanks", "time", pyproject_long_line),
    Attack("a Rasa NLU example of 100,000 [", "time", rasa_nlu_brackets),
    Attack("a CALM condition with 200,000 blanks", "time", calm_condition_blanks),
    Attack("a Dialogflow text of <s and <", "time", dialogflow_many_ssml_tags),
    Attack("a Dialogflow text of $flow.a(", "time", dialogflow_many_functions),
    Attack(
        "a 100 KB anchored text said by 300 steps",
        "time",
        anchored_text_said_everywhere,
        heavy=True,
    ),
    Attack("3 MB of a character NFKD expands 18-fold", "time", ligatures, heavy=True),
    Attack("2.5 million tiny nodes", "time", tiny_nodes, heavy=True),
    Attack("a 50 MB text", "time", fifty_megabyte_text, heavy=True),
    Attack("50,000 small files in a Rasa project", "time", fifty_thousand_files, heavy=True),
    Attack("50,000 flow files in a folder", "time", fifty_thousand_flow_files, heavy=True),
    Attack(
        "a zip of 300,000 members",
        "time",
        zip_with_many_members,
        exits=frozenset({2}),
        names="agent.zip",
        heavy=True,
    ),
    Attack("an 80 MB pyproject.toml", "time", huge_pyproject, heavy=True),
    Attack(
        "a 72 MB baseline",
        "time",
        huge_baseline,
        exits=frozenset({2}),
        names="base.json",
        heavy=True,
    ),
    Attack(
        "a zip member with damaged deflate data",
        "traceback",
        zip_damaged_deflate,
        exits=frozenset({2}),
        names="Menu.json",
    ),
    Attack(
        "a zip member with damaged LZMA data",
        "traceback",
        zip_damaged_lzma,
        exits=frozenset({2}),
        names="agent.zip",
    ),
    Attack(
        "a zip member without a name",
        "traceback",
        zip_member_without_name,
        exits=frozenset({2}),
        names="agent.zip",
    ),
    Attack(
        "a hex number of 4,000 digits",
        "traceback",
        hex_number_of_4000_digits,
        exits=frozenset({2}),
        names="flow.yaml",
    ),
    Attack(
        "a number of 5,001 digits",
        "traceback",
        number_of_5001_digits,
        exits=frozenset({2}),
        names="flow.yaml",
    ),
    Attack(
        "max_retries of 1e400",
        "traceback",
        retries_of_ten_to_the_400,
        exits=frozenset({2}),
        names="flow.yaml",
    ),
    Attack(
        "a baseline nested 100,000 deep",
        "traceback",
        baseline_nested_deep,
        exits=frozenset({2}),
        names="base.json",
    ),
    Attack(
        "a baseline score of 1e400",
        "traceback",
        baseline_score_of_ten_to_the_400,
        exits=frozenset({2}),
        names="base.json",
    ),
    Attack(
        "a baseline score of NaN", "output", baseline_nan, exits=frozenset({2}), names="base.json"
    ),
    Attack(
        "a lone surrogate in a baseline",
        "traceback",
        baseline_lone_surrogate,
        exits=frozenset({2}),
        names="base.json",
    ),
    Attack(
        "a baseline step that is not text",
        "traceback",
        baseline_step_not_text,
        exits=frozenset({2}),
        names="base.json",
    ),
    Attack(
        "a pyproject.toml nested 100,000 deep on the walk up",
        "traceback",
        pyproject_nested_deep,
        exits=frozenset({2}),
        names="pyproject.toml",
    ),
    Attack(
        "a configuration nested 100,000 deep",
        "traceback",
        config_nested_deep,
        exits=frozenset({2}),
        names="cxaudit.yaml",
    ),
    Attack(
        "a flow file nested 100,000 deep",
        "traceback",
        flow_nested_deep,
        exits=frozenset({2}),
        names="flow.yaml",
    ),
    Attack(
        "a Dialogflow page nested 100,000 deep",
        "traceback",
        json_nested_deep_in_project,
        exits=frozenset({2}),
        names="Deep.json",
    ),
    Attack(
        "a link loop as the file given",
        "traceback",
        link_loop_as_the_file,
        exits=frozenset({2}),
        names="loop.yaml",
    ),
    Attack(
        "a link loop as the configuration",
        "traceback",
        link_loop_as_the_configuration,
        exits=frozenset({2}),
        names="loop.yaml",
    ),
    Attack("a link loop in a Rasa project", "traceback", link_loop_in_project),
    Attack(
        "a full disk on standard output",
        "traceback",
        full_disk,
        exits=frozenset({2}),
        stdout="/dev/full",
    ),
    Attack(
        "markup and a workflow command in a baseline",
        "injection",
        injection_in_baseline,
        exits=frozenset({1, 2}),
    ),
    Attack(
        "a javascript: help_url with escapes",
        "injection",
        injection_in_help_url,
        exits=frozenset({2}),
        names="cxaudit.yaml",
    ),
    Attack("escapes and a workflow command in a page name", "injection", injection_in_page_name),
    Attack("escapes and a workflow command in a bot text", "injection", injection_in_bot_text),
    Attack(
        "escapes and a workflow command in a file name",
        "injection",
        injection_in_file_name,
        exits=frozenset({2}),
    ),
    Attack(
        "escapes and a workflow command in a zip member's name",
        "injection",
        injection_in_a_zip_member_name,
    ),
    Attack("C1 controls and separators in a bot text, JSON", "injection", c1_controls_in_json),
    Attack(
        "C1 controls and separators in a file name, JSON", "injection", c1_controls_in_a_file_name
    ),
    Attack("a file name that is not UTF-8 in a folder", "traceback", name_not_utf8_in_a_folder),
    Attack("a file name that is not UTF-8 under a glob", "traceback", name_not_utf8_under_a_glob),
    Attack("a file name that is not UTF-8 in a project", "traceback", name_not_utf8_in_a_project),
    Attack("-o through a link", "writing", output_through_a_link, checks=("link-replaced",)),
    Attack(
        "fail_under of .nan", "output", fail_under_nan, exits=frozenset({2}), names="cxaudit.yaml"
    ),
    Attack(
        "a Dialogflow page with an escaped emoji",
        "output",
        dialogflow_escaped_emoji,
        checks=("emoji-read",),
    ),
    Attack(
        "a Dialogflow page with a duplicate key",
        "output",
        dialogflow_duplicate_key,
        exits=frozenset({2}),
        names="displayName",
    ),
    Attack("a folder named C:", "dates", sarif_under_a_drive_like_folder, checks=("relative-uri",)),
    Attack("a waiver expiring today", "dates", waiver_expiring_today, checks=("waived-today",)),
)


# -- just under the limits: real (if large) bots, checked within the same targets --------------


def text_under_the_limit(tmp: Path) -> list[str]:
    write(
        tmp / "flow.yaml", flow('"' + "I am a bot and I help you with your order. " * 44_000 + '"')
    )
    return ["check", "flow.yaml", "-f", "concise"]


def nodes_under_the_limit(tmp: Path) -> list[str]:
    write(tmp / "flow.yaml", flow() + "x-list: [" + "0," * 480_000 + "0]\n")
    return ["check", "flow.yaml", "-f", "concise"]


def phrases_under_the_limit(tmp: Path) -> list[str]:
    """Every English lexicon example in one text after 600,000 clauses, each after a "not":
    each phrase is searched for over the whole text, and its negation judged in its clause."""
    import yaml

    examples = [
        example.rstrip(".!?").replace(",", "")
        for path in sorted((ROOT / "rules" / "lexicons").glob("*.en.yaml"))
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")).get("entries", [])
        for example in entry.get("examples", [])
    ]
    text = "w, " * 600_000 + " not ".join(examples)
    write(tmp / "flow.yaml", flow(json.dumps(text, ensure_ascii=False)))
    return ["check", "flow.yaml", "-f", "concise"]


def files_under_the_limit(tmp: Path) -> list[str]:
    project = rasa(tmp / "bot")
    folder = project / "data" / "many"
    folder.mkdir()
    for i in range(9_000):
        text = f'version: "3.1"\nnlu:\n- intent: topic{i}\n  examples: |\n    - question {i}\n'
        (folder / f"nlu{i}.yml").write_text(text, encoding="utf-8")
    return ["check", "bot", "-f", "concise"]


#: Not hostile: what the budget must still let through in time (bench/attacks.py only).
UNDER_THE_LIMITS: tuple[Attack, ...] = (
    Attack("1.9 million characters of text", "limits", text_under_the_limit, frozenset({0, 1})),
    Attack(
        "every phrase after 600,000 clauses", "limits", phrases_under_the_limit, frozenset({0, 1})
    ),
    Attack("480,000 nodes", "limits", nodes_under_the_limit, frozenset({0, 1})),
    Attack("9,000 files in a Rasa project", "limits", files_under_the_limit, frozenset({0, 1})),
)
