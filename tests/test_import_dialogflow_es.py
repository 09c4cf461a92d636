"""The Dialogflow ES importer, on Google's three financial-services agent templates and on
small synthetic exports.

Positions are found in the export files with :func:`line_of`, so the tests check the origins
recorded for the source map as well as the mapping.
"""

from __future__ import annotations

import json
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cxaudit.cli import app
from cxaudit.diagnostics import InputError
from cxaudit.engine import Settings, audit
from cxaudit.importers.base import Project
from cxaudit.importers.load import detect, import_path, load_project
from cxaudit.loader import Document
from cxaudit.model import Bot
from cxaudit.model import build as build_bot
from cxaudit.schema import validate
from tests.conftest import SHARED, needs_shared
from tests.test_import_dialogflow_cx import findings, line_of, step_path, steps_of

FINANCE = SHARED / "corpus" / "GoogleCloudPlatform__dialogflow-virtual-agents-financial-services"
needs_corpus = needs_shared(
    "corpus", "GoogleCloudPlatform__dialogflow-virtual-agents-financial-services"
)
AGENTS = ("banking", "capital-markets", "insurance")


def imported(path: Path, display: str = "agent") -> tuple[Project, Document, Bot]:
    """Import, validate and model an export, as the engine does with a flow file."""
    project = import_path(path, display)
    assert project.kind == "dialogflow-es"
    document = project.document()
    assert validate(document, "flow.schema.json") == []
    return project, document, build_bot(document)


@cache
def template(kind: str) -> tuple[Project, Document, Bot]:
    return imported(FINANCE / f"agent-template-{kind}", f"agent-template-{kind}")


def intent_file(kind: str, name: str) -> Path:
    folder = FINANCE / f"agent-template-{kind}"
    nested = folder / "agent-template" / "intents"
    return (nested if nested.is_dir() else folder / "intents") / f"{name}.json"


def where(project: Project, document: Document, *path: Any) -> tuple[str | None, int]:
    loc = document.source_map.locate(step_path(project, *path))
    return loc.file, loc.line


# -- the three financial-services templates ----------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("kind", AGENTS)
def test_templates_are_detected_one_folder_up(kind: str) -> None:
    assert detect(FINANCE / f"agent-template-{kind}") == "dialogflow-es"
    assert detect(FINANCE) is None  # three agents: not one project


@needs_corpus
@pytest.mark.parametrize("kind", AGENTS)
def test_templates_greet_without_saying_they_are_bots(kind: str) -> None:
    project, document, bot = template(kind)
    steps = steps_of(project)
    assert bot.start == "Default_Welcome_Intent"
    assert steps[bot.start]["ask"]["en"].splitlines() == [
        "Hi! How are you doing?",
        "Hello! How can I help you?",
        "Good day! What can I do for you today?",
        "Greetings! How can I assist?",
    ]
    assert bot.name == f"agent-template-{kind}" and bot.languages == ("en",)
    file, line = where(project, document, bot.start, "ask", "en")
    welcome = intent_file(kind, "Default Welcome Intent")
    assert (
        file
        == f"agent-template-{kind}/"
        + welcome.relative_to(FINANCE / f"agent-template-{kind}").as_posix()
    )
    assert line == line_of(welcome, "Hi! How are you doing?")
    result = findings(bot)
    assert [check for check, _, _ in result["CX01"]] == ["first-message"]


@needs_corpus
@pytest.mark.parametrize("kind", AGENTS)
def test_templates_never_reach_a_person(kind: str) -> None:
    project, _, bot = template(kind)
    assert "humans" not in project.data
    assert not any("handoff" in s for s in steps_of(project).values())
    result = findings(bot)
    assert ("no-human-anywhere", "no-human") in {(c, s) for c, s, _ in result["CX02"]}
    assert {c for c, _, _ in result["CX05"]} == {"no-humans"}
    # The Default Fallback Intent asks "Can you say that again?" for as long as it takes: every
    # customer turn's fallback chain loops without a person.
    assert project.data["escalation"] == {
        "fallback": {"retries": 0, "then": "Default_Fallback_Intent"}
    }
    fallback = steps_of(project)["Default_Fallback_Intent"]
    assert fallback["ask"]["en"].startswith("I didn't get that. Can you say it again?")
    turns = {s.id for s in bot.steps if s.is_turn}
    assert {s for c, s, _ in result["CX03"] if c == "fallback-loops"} == turns
    assert {c for c, _, _ in result["CX03"]} == {"fallback-loops"}  # no dead ends, no traps
    missing = {(n.check, n.rule) for n in project.notes if n.check.startswith("missing-")}
    assert {("missing-team", "CX05"), ("missing-policy", "CX09")} <= missing


@needs_corpus
def test_banking_answers_and_asks_for_an_address() -> None:
    project, document, bot = template("banking")
    steps = steps_of(project)
    answers = [
        "banking.general_assistance",
        "banking.shelter_in_place",
        "creditcard.latepayment",
        "general.late_charges",
        "loans.deferment",
        "mortgage.covid19_assistance",
        "mortgage.refinance",
    ]
    for sid in answers:  # FAQ answers: a global intent, then the chat may go on or end
        assert steps[sid]["end"] is True and "ask" in steps[sid]
    intents = {i["id"]: i for i in project.data["intents"]}
    assert intents["mortgage.refinance"] == {
        "id": "mortgage.refinance",
        "examples": {"en": ["Can I refinance my mortgage?"]},
        "goto": "mortgage.refinance",
        "global": True,
    }
    # Branch hours: "Which bank?", then the customer's address, then the webhook answers.
    assert intents["locations.hours_of_operation"]["goto"] == (
        "locations.hours_of_operation.organization"
    )
    assert steps["locations.hours_of_operation.organization"] == {
        "id": "locations.hours_of_operation.organization",
        "ask": {"en": "Which bank?"},
        "fallback": "locations.hours_of_operation.organization",
        "next": "locations.hours_of_operation.address",
    }
    address = steps["locations.hours_of_operation.address"]
    assert address["ask"] == {"en": "What's your address?"}
    assert address["collect"] == "address"
    assert steps["locations.open_branches.address"]["collect"] == "address"
    assert steps["locations.hours_of_operation"]["action"] == "branch-hours"
    assert project.data["privacy"]["data"] == [
        {
            "field": "address",
            "category": "location",
            "basis": "undeclared",
            "x-entity-type": "@sys.address",
        }
    ]
    hours = intent_file("banking", "locations.hours_of_operation")
    assert where(project, document, "locations.hours_of_operation.address", "collect") == (
        "agent-template-banking/agent-template/intents/locations.hours_of_operation.json",
        line_of(hours, '"name": "address"'),
    )
    result = findings(bot)
    assert ("basis-undeclared", "address") in {(c, s) for c, s, _ in result["CX09"]}
    # COVID-19 mortgage help ("ability to pay") is a debt matter no person handles; a bank (the
    # sector its texts show) hands such matters over at once.
    assert ("sensitive-intent-direct", "mortgage.covid19_assistance") in {
        (c, s) for c, s, _ in result["CX06"]
    }
    (webhooks,) = [n for n in project.notes if n.check == "webhook-code"]
    assert webhooks.params == {"names": "'locations.hours_of_operation', 'locations.open_branches'"}
    assert webhooks.location is not None
    assert webhooks.location.file == "agent-template-banking/agent-template/agent.json"


@needs_corpus
def test_capital_markets_call_me_loops_through_its_contexts() -> None:
    project, document, bot = template("capital-markets")
    steps = steps_of(project)
    intents = {i["id"]: i for i in project.data["intents"]}
    # "call me" can be said at any turn; yes/no and the account number only after it.
    assert intents["general.call_me"]["global"] is True
    for gated in ("general.call_me.yes", "general.call_me.no", "general.call_me.verify_account"):
        assert "goto" not in intents[gated] and "global" not in intents[gated]
    assert steps["general.call_me"]["on"] == {
        "general.call_me.no": "general.call_me.no",
        "general.call_me.yes": "general.call_me.yes",
    }
    # Both answers keep general_call_me alive (lifespan 5): yes and no can follow each other,
    # and a wrong account number can be given again.
    assert steps["general.call_me.no"]["on"] == steps["general.call_me"]["on"]
    assert steps["general.call_me.yes"]["on"]["general.call_me.verify_account"] == (
        "general.call_me.verify_account"
    )
    assert steps["general.call_me.verify_account"]["on"] == {
        "general.call_me.verify_account": "general.call_me.verify_account"
    }
    # What the bot says there is webhook code: an action and no words.
    for sid in ("general.call_me", "general.call_me.yes", "general.call_me.verify_account"):
        assert steps[sid]["action"] == sid and set(steps[sid]["ask"]) == {"x-dialogflow"}
    yes = intent_file("capital-markets", "general.call_me.yes")
    on_verify = where(
        project, document, "general.call_me.yes", "on", "general.call_me.verify_account"
    )
    assert on_verify[1] == line_of(yes, '"name": "general_call_me_yes"') - 1  # its output context
    # The account number is personal data; the kind of retirement account (IRA, 401K) is not.
    assert steps["general.call_me.verify_account"]["collect"] == "account_number"
    assert [d["field"] for d in project.data["privacy"]["data"]] == ["account_number"]
    assert project.data["privacy"]["data"][0]["category"] == "financial"
    assert "collect" not in steps["retirement_account.request_loan"]
    loc = document.source_map.locate(("privacy", "data", 0, "basis"))
    verify = intent_file("capital-markets", "general.call_me.verify_account")
    assert (loc.file, loc.line) == (
        "agent-template-capital-markets/agent-template/intents/general.call_me.verify_account.json",
        line_of(verify, '"name": "account_number"'),
    )
    result = findings(bot)
    assert ("basis-undeclared", "account_number") in {(c, s) for c, s, _ in result["CX09"]}
    # Margin calls (money owed) reach nobody: nothing sensitive is recognised and the fallback
    # hands over to no person.
    assert {c for c, _, _ in result["CX06"]} <= {"no-sensitive-route", "sensitive-to-fallback"}
    assert result["CX06"]


@needs_corpus
def test_insurance_reads_intents_beside_the_agent_folder() -> None:
    project, document, bot = template("insurance")
    # agent.json is in agent-template/, its intents one folder up: names stay as given.
    assert "agent-template-insurance/agent-template/agent.json" in project.files
    assert "agent-template-insurance/intents/general.waive_fees.json" in project.files
    steps = steps_of(project)
    assert len(project.data["intents"]) == 7  # eight intents, one of them the fallback
    assert "privacy" not in project.data  # nothing personal is asked
    assert steps["general.waive_fees"]["ask"] == {
        "x-dialogflow": "the webhook answers, in code the export does not hold"
    }
    loc = document.source_map.locate(step_path(project, "general.file_a_claim", "ask", "en"))
    claim = intent_file("insurance", "general.file_a_claim")
    assert (loc.file, loc.line) == (
        "agent-template-insurance/intents/general.file_a_claim.json",
        line_of(claim, "Yes, you can still file a claim"),
    )
    loc = document.source_map.locate(("intents", 0, "examples", "en", 1))
    phrases = claim.with_name("Default Welcome Intent_usersays_en.json")
    assert loc.file == "agent-template-insurance/intents/Default Welcome Intent_usersays_en.json"
    assert loc.line == line_of(phrases, '"text": "heya"') - 2  # the phrase's "data" key
    assert findings(bot)["CX09"] == []


@needs_corpus
@pytest.mark.parametrize("kind", AGENTS)
def test_templates_import_deterministically(kind: str) -> None:
    path = FINANCE / f"agent-template-{kind}"
    assert import_path(path, kind).data == import_path(path, kind).data


# -- synthetic exports ---------------------------------------------------------------------------


def text(*speech: str, lang: str = "en") -> dict[str, Any]:
    return {"type": 0, "lang": lang, "condition": "", "speech": list(speech)}


def intent(
    name: str,
    *messages: dict[str, Any],
    contexts: list[str] | None = None,
    outputs: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    response: dict[str, Any] = {
        "resetContexts": False,
        "affectedContexts": [{"name": c, "parameters": {}, "lifespan": 2} for c in outputs or []],
        "parameters": extra.pop("parameters", []),
        "messages": list(messages),
    }
    return {
        "id": f"id-{name}",
        "name": name,
        "contexts": contexts or [],
        "responses": [response],
        "fallbackIntent": False,
        "events": [],
        **extra,
    }


def write_agent(
    root: Path,
    intents: list[dict[str, Any]],
    phrases: dict[str, list[str]] | None = None,
    *,
    agent: dict[str, Any] | None = None,
    raw: dict[str, str] | None = None,
) -> Path:
    """An ES export folder: intents as JSON, training phrases by intent name, raw files as given."""
    (root / "intents").mkdir(parents=True)
    (root / "agent.json").write_text(
        json.dumps(agent if agent is not None else {"language": "en"}, indent=2), encoding="utf-8"
    )
    for data in intents:
        file = root / "intents" / f"{data['name']}.json"
        file.write_text(json.dumps(data, indent=2), encoding="utf-8")
    for name, said in (phrases or {}).items():
        rows = [{"data": [{"text": p}], "isTemplate": False} for p in said]
        file = root / "intents" / f"{name}_usersays_en.json"
        file.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    for name, content in (raw or {}).items():
        (root / name).write_text(content, encoding="utf-8")
    return root


def helpdesk(root: Path, **raw: str) -> Path:
    """A small agent with a welcome, a follow-up, a form, a transfer and an ending."""
    return write_agent(
        root,
        [
            intent(
                "Default Welcome Intent",
                text("Hi! I'm the Helpdesk bot, a digital assistant. How can I help?"),
                events=[{"name": "WELCOME"}],
            ),
            intent(
                "order.cancel",
                text("Shall I cancel your order?"),
                outputs=["order-cancel-followup"],
            ),
            intent(
                "order.cancel - yes",
                text("Done. Your order is cancelled."),
                contexts=["order-cancel-followup"],
                parentId="id-order.cancel",
                webhookUsed=True,
            ),
            intent(
                "newsletter",
                text("You are subscribed."),
                parameters=[
                    {
                        "name": "email",
                        "dataType": "@sys.email",
                        "required": True,
                        "prompts": [{"lang": "en", "value": "What is your email address?"}],
                    }
                ],
            ),
            intent(
                "agent",
                text("I'm transferring you to a colleague."),
                {"type": "telephony_transfer_call", "platform": "telephony", "phoneNumber": "+1"},
            ),
            intent("promise", text("I'm transferring you to a colleague now.")),
            intent("bye", text("Goodbye!"), endInteraction=True),
            intent("Default Fallback Intent", text("Sorry, what was that?"), fallbackIntent=True),
        ],
        {
            "Default Welcome Intent": ["hi"],
            "order.cancel": ["cancel my order"],
            "order.cancel - yes": ["yes"],
            "newsletter": ["sign me up"],
            "agent": ["a person please"],
            "promise": ["promise"],
            "bye": ["bye"],
        },
        raw=raw,
    )


def test_helpdesk_maps_precisely(tmp_path: Path) -> None:
    project, document, bot = imported(helpdesk(tmp_path / "helpdesk"), "helpdesk")
    steps = steps_of(project)
    assert bot.start == "Default_Welcome_Intent"
    assert bot.steps[0].id == "Default_Welcome_Intent"  # the start comes first
    assert steps["order.cancel"] == {
        "id": "order.cancel",
        "ask": {"en": "Shall I cancel your order?"},
        "on": {"order.cancel_-_yes": "order.cancel_-_yes"},
    }
    assert steps["order.cancel_-_yes"]["agreement"] == "cancellation"
    assert steps["newsletter.email"] == {
        "id": "newsletter.email",
        "ask": {"en": "What is your email address?"},
        "collect": "email",
        "fallback": "newsletter.email",
        "next": "newsletter",
    }
    assert steps["agent"] == {
        "id": "agent",
        "say": {"en": "I'm transferring you to a colleague."},
        "handoff": "telephony_transfer",
    }
    assert steps["bye"] == {"id": "bye", "say": {"en": "Goodbye!"}, "end": True}
    assert project.data["humans"] == [{"id": "telephony_transfer", "channel": "phone"}]
    intents = {i["id"]: i for i in project.data["intents"]}
    assert intents["newsletter"]["goto"] == "newsletter.email"
    assert intents["agent"] == {
        "id": "agent",
        "examples": {"en": ["a person please"]},
        "goto": "agent",
        "global": True,
    }
    assert intents["order.cancel_-_yes"] == {
        "id": "order.cancel_-_yes",
        "examples": {"en": ["yes"]},
    }
    assert "Default_Fallback_Intent" not in intents
    result = findings(bot)
    assert result["CX01"] == []
    assert result["CX02"] == []  # "a person please" works at every turn
    assert "order.cancel_-_yes" in {s for _, s, _ in result["CX08"]}  # agreed, not confirmed
    promised = [n for n in project.notes if n.check == "says-transfer-without-handoff"]
    assert [(n.rule, n.params["name"]) for n in promised] == [("CX02", "promise")]
    file = tmp_path / "helpdesk" / "intents" / "agent.json"
    assert where(project, document, "agent", "handoff") == (
        "helpdesk/intents/agent.json",
        line_of(file, "telephony_transfer_call") - 1,  # the message's opening brace
    )
    checks = {(n.check, n.rule) for n in project.notes}
    assert {("missing-handoff-context", "CX04"), ("missing-written-confirmation", "CX08")} <= checks


def test_context_fallback_and_unknown_messages(tmp_path: Path) -> None:
    root = write_agent(
        tmp_path / "agent",
        [
            intent("hello", text("Hello, I'm a bot. Order or quit?"), outputs=["menu"]),
            intent("menu.order", text("Ordered."), contexts=["menu"]),
            intent(
                "menu.fallback", text("Say order or quit."), contexts=["menu"], fallbackIntent=True
            ),
            intent("odd", {"type": "carousel_select_v9", "lang": "en"}, text("Odd.")),
        ],
        {"hello": ["hello"], "menu.order": ["order"], "odd": ["odd"]},
    )
    project, _, _ = imported(root)
    steps = steps_of(project)
    # No welcome event: the first intent a conversation can begin with (no input contexts).
    assert project.data["bot"]["start"] == "hello"
    assert steps["hello"]["fallback"] == "menu.fallback"
    assert steps["hello"]["on"] == {"menu.order": "menu.order"}
    assert "escalation" not in project.data
    (note,) = [n for n in project.notes if n.check == "unsupported-message"]
    assert note.params == {"kind": "carousel_select_v9"}
    assert note.location is not None and note.location.file == "agent/intents/odd.json"
    assert note.location.line == line_of(root / "intents" / "odd.json", "carousel_select_v9")
    assert steps["odd"]["ask"] == {"en": "Odd."}


def test_broken_intent_file_is_a_note_with_its_line(tmp_path: Path) -> None:
    root = helpdesk(tmp_path / "agent")
    (root / "intents" / "broken.json").write_text('{\n  "name": "broken",\n  "responses": [,\n}')
    (root / "intents" / "listed.json").write_text("[1, 2]")
    project, _, _ = imported(root)
    notes = [n for n in project.notes if n.check in ("unreadable-file", "file-not-a-map")]
    assert [(n.check, n.params["file"]) for n in notes] == [
        ("unreadable-file", "agent/intents/broken.json"),
        ("file-not-a-map", "agent/intents/listed.json"),
    ]
    assert notes[0].location is not None and notes[0].location.line == 3
    assert notes[1].params == {"file": "agent/intents/listed.json"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"intents/x.json": "{}"}, "not a dialogflow-es project: no agent.json in this folder"),
        ({"agent.json": "[]", "intents/x.json": "{}"}, "agent.json is not a JSON object"),
        ({"agent.json": "{}", "intents/readme.txt": ""}, "the export has no intents"),
        ({"agent.json": '{"language": ', "intents/x.json": "{}"}, "agent/agent.json"),
    ],
)
def test_unusable_exports_are_input_errors(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_project(tmp_path, "agent", "dialogflow-es")
    assert any(message in f"{d.path}: {d.message}" for d in caught.value.diagnostics)


def test_minimal_agent_with_nothing_but_a_welcome(tmp_path: Path) -> None:
    root = write_agent(
        tmp_path / "bot", [intent("hello", text("Hi, I'm a virtual assistant."))], {"hello": ["hi"]}
    )
    project, _, bot = imported(root)
    assert project.data["flows"] == [
        {
            "id": "agent",
            "steps": [{"id": "hello", "ask": {"en": "Hi, I'm a virtual assistant."}, "end": True}],
        }
    ]
    assert bot.start == "hello"
    assert {c for c, _, _ in findings(bot)["CX03"]} == {"no-fallback"}


@pytest.mark.parametrize(
    "layout",
    ["flat", "nested", "zip"],
)
def test_layouts_are_detected_and_named_as_given(tmp_path: Path, layout: str) -> None:
    folder = tmp_path / "export"
    agent = helpdesk(folder / "inner" if layout == "nested" else folder)
    target = folder
    if layout == "zip":
        target = tmp_path / "export.zip"
        with zipfile.ZipFile(target, "w") as bundle:
            for file in sorted(agent.rglob("*")):
                bundle.write(file, f"agent/{file.relative_to(agent).as_posix()}")
    assert detect(target) == "dialogflow-es"
    project, _, _ = imported(target, target.name)
    prefix = {"flat": "export", "nested": "export/inner", "zip": "export.zip"}[layout]
    assert f"{prefix}/agent.json" in project.files
    assert f"{prefix}/intents/agent.json" in project.files


def test_a_folder_with_two_agents_is_not_one_project(tmp_path: Path) -> None:
    helpdesk(tmp_path / "one")
    helpdesk(tmp_path / "two")
    assert detect(tmp_path) is None


def test_check_runs_end_to_end(tmp_path: Path) -> None:
    root = helpdesk(tmp_path / "helpdesk")
    report = audit([(root, "helpdesk")], Settings(language="en"))
    assert report.errors == ()
    (file,) = report.files
    assert file.bot == "helpdesk"
    result = CliRunner().invoke(app, ["check", str(root)])
    assert result.exit_code == 1, result.output  # findings, not an input error
    assert "helpdesk/intents" in result.output
    result = CliRunner().invoke(app, ["import", "dialogflow-es", str(root)])
    assert result.exit_code == 0, result.output
    assert "(dialogflow-es)" in result.output.splitlines()[0]
