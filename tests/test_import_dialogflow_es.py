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
from cxaudit.engine import audit_files
from cxaudit.importers.base import Project
from cxaudit.importers.dialogflow_es.messages import payload_texts
from cxaudit.importers.load import detect, import_path, load_project
from cxaudit.loader import Document
from cxaudit.loading import Settings
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
@pytest.mark.parametrize("kind", ["banking", "insurance"])
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
    if kind == "banking":  # it asks for an address; the export names no privacy policy
        assert "no-policy" in {c for c, _, _ in result["CX09"]}


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
            "category": "contact",  # a postal address is how a letter reaches the customer
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
    # The account number verified, the webhook puts the customer in the call-back queue of a
    # broker (README.md): the callback is the way to a person, and ends the chain.
    assert steps["general.call_me.verify_account"]["handoff"] == "callback"
    assert "on" not in steps["general.call_me.verify_account"]
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
        "action": extra.pop("action", ""),
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
    # A phone transfer puts the call through and nothing else: no context (CX04 fails it),
    # placed at the transfer.
    assert project.data["handoff"] == {}
    assert where(project, document, "agent", "handoff") == (
        "helpdesk/intents/agent.json",
        line_of(tmp_path / "helpdesk" / "intents" / "agent.json", "telephony_transfer_call") - 1,
    )
    assert document.source_map.locate(("handoff",)).file == "helpdesk/intents/agent.json"
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
    assert "order.cancel_-_yes" in {s for _, s, _ in result["CX08"]}  # agreed, unconfirmed
    promised = [n for n in project.notes if n.check == "says-transfer-without-handoff"]
    assert [(n.rule, n.params["name"]) for n in promised] == [("CX02", "promise")]
    file = tmp_path / "helpdesk" / "intents" / "agent.json"
    assert where(project, document, "agent", "handoff") == (
        "helpdesk/intents/agent.json",
        line_of(file, "telephony_transfer_call") - 1,  # the message's opening brace
    )
    # The webhook cancels: its back end may confirm in writing, which the export cannot show.
    assert steps["order.cancel_-_yes"]["confirm"] == {"channel": "undeclared"}
    assert ("no-confirmation", "order.cancel_-_yes") not in {(c, s) for c, s, _ in result["CX08"]}


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


def test_custom_payload_texts_are_read_without_their_replies(tmp_path: Path) -> None:
    """A channel's own message (AdLingo, Business Messages) is what its customers read: its texts
    count where the response has no default text; suggested replies and buttons are the
    customer's words, not the bot's."""
    adlingo = {
        "messages": [
            {"type": "text", "text": "Any questions about this house?"},
            {"type": "quickReplies", "quickReplies": [{"action": {"text": "Yes, I do"}}]},
            {"type": "button", "label": "Call", "action": {"type": "call", "text": "call"}},
        ]
    }
    business = {
        "fulfillmentMessages": [
            {"payload": {"text": "Shall I book it?", "suggestions": [{"reply": {"text": "Yes"}}]}}
        ]
    }
    root = write_agent(
        tmp_path / "agent",
        [
            intent("hello", {"type": "4", "lang": "en", "payload": adlingo}),
            intent(
                "book",
                text("Booking?"),
                {"type": "4", "lang": "en", "payload": business},
            ),
            intent("chips", {"type": "4", "lang": "en", "payload": {"buttons": [{"text": "A"}]}}),
        ],
        {"hello": ["hello"], "book": ["book"], "chips": ["chips"]},
    )
    project, document, _ = imported(root)
    steps = steps_of(project)
    assert steps["hello"]["ask"] == {"en": "Any questions about this house?"}
    loc = document.source_map.locate(step_path(project, "hello", "ask", "en"))
    assert loc.line == line_of(root / "intents" / "hello.json", "Any questions about this house?")
    assert steps["book"]["ask"] == {"en": "Booking?"}  # the default text wins
    # A payload of buttons only says nothing: cxaudit cannot tell what it shows.
    (note,) = [n for n in project.notes if n.check == "unsupported-message"]
    assert note.location is not None and note.location.file == "agent/intents/chips.json"


def test_custom_payload_texts_are_bounded() -> None:
    deep: dict[str, Any] = {"text": "bottom"}
    for _ in range(5000):
        deep = {"next": deep}
    assert list(payload_texts(deep)) == []  # deeper than anyone nests a message
    wide = {"messages": [{"text": f"line {i}"} for i in range(10_000)]}
    texts = list(payload_texts(wide))
    assert len(texts) == 64 and texts[0] == ("line 0", ("messages", 0, "text"))


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


def test_every_welcome_event_opens_a_conversation(tmp_path: Path) -> None:
    """A web, an app and an SMS welcome each greet customers first: each is a start, CX01 checks
    every greeting and reports the ones that do not disclose as one finding."""
    root = write_agent(
        tmp_path / "bot",
        [
            intent(
                "Welcome",
                text("Hi, I'm the virtual assistant of Example."),
                events=[{"name": "WELCOME"}],
            ),
            intent(
                "Web Welcome",
                text("Welcome! Shall I book a meeting?"),
                events=[{"name": "WELCOME-WEB"}],
            ),
            intent(
                "SMS Welcome", text("Your meeting is booked."), events=[{"name": "welcome_sms"}]
            ),
            intent("Booked", text("Booked."), events=[{"name": "BOOKED"}]),
            intent("Silent Welcome", events=[{"name": "WELCOME-APP"}], webhookUsed=True),
        ],
        {"Welcome": ["hi"]},
    )
    project, document, bot = imported(root)
    assert project.data["bot"]["start"] == ["Welcome", "SMS_Welcome", "Web_Welcome"]
    assert bot.starts == ("Welcome", "SMS_Welcome", "Web_Welcome") and bot.start == "Welcome"
    loc = document.source_map.locate(("bot", "start", 2))
    assert (loc.file, loc.line) == (
        "agent/intents/Web Welcome.json",
        line_of(root / "intents" / "Web Welcome.json", '"events"'),
    )
    report = audit_files([(root, "bot")], Settings(language="en", discover_config=False))
    found = [f for f in report.files[0].findings if f.rule == "CX01"]
    assert [(f.check, f.count) for f in found] == [("first-message", 2)]
    assert "2 of the 3 ways a conversation opens" in found[0].message


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
    report = audit_files([(root, "helpdesk")], Settings(language="en"))
    assert report.errors == ()
    (file,) = report.files
    assert file.bot == "helpdesk"
    result = CliRunner().invoke(app, ["check", str(root)])
    assert result.exit_code == 1, result.output  # findings, not an input error
    assert "helpdesk/intents" in result.output
    result = CliRunner().invoke(app, ["import", "dialogflow-es", str(root)])
    assert result.exit_code == 0, result.output
    assert "(dialogflow-es)" in result.output.splitlines()[0]


# -- handoffs the client carries out, and exports without agent.json ---------------------------


def with_phrases(root: Path, phrases: dict[str, dict[str, list[str]]]) -> None:
    """Training phrase files per intent and language."""
    for name, by_lang in phrases.items():
        for lang, said in by_lang.items():
            rows = [{"data": [{"text": p}], "isTemplate": False} for p in said]
            file = root / "intents" / f"{name}_usersays_{lang}.json"
            file.write_text(json.dumps(rows, indent=2), encoding="utf-8")


def handovers(root: Path) -> Path:
    """An agent whose handoffs the client or integration carries out."""
    return write_agent(
        root,
        [
            intent(
                "Default Welcome Intent",
                text("Hi! I'm the Shop bot, a virtual assistant. How can I help?"),
                events=[{"name": "WELCOME"}],
            ),
            # The action names the handover; the client connects a live agent.
            intent("human", text("Let me connect you. One moment."), action="HANDOVER"),
            # A parameter preset does the same.
            intent(
                "LIVE AGENT HANDOVER",
                text("Let me connect you. One moment."),
                parameters=[{"name": "action", "dataType": "@sys.any", "value": "HANDOVER"}],
            ),
            # A reason is no request to hand over.
            intent(
                "why",
                text("Tell me more."),
                parameters=[{"name": "transfer_reason", "dataType": "@sys.any", "value": "agent"}],
            ),
            intent("Default Fallback Intent", text("Sorry?"), fallbackIntent=True),
        ],
        {
            "Default Welcome Intent": ["hi"],
            "human": ["a person please"],
            "LIVE AGENT HANDOVER": ["I want to talk to a person"],
            "why": ["why"],
        },
    )


def test_an_action_or_a_preset_naming_a_handover_is_a_handoff(tmp_path: Path) -> None:
    root = handovers(tmp_path / "shop")
    project, document, bot = imported(root, "shop")
    steps = steps_of(project)
    assert steps["human"] == {
        "id": "human",
        "say": {"en": "Let me connect you. One moment."},
        "handoff": "integration_transfer",
    }
    assert steps["LIVE_AGENT_HANDOVER"]["handoff"] == "integration_transfer"
    assert "handoff" not in steps["why"]
    assert project.data["humans"] == [{"id": "integration_transfer", "channel": "live_chat"}]
    # What the client passes to the agent the export cannot show.
    assert project.data["handoff"] == {"context": "undeclared"}
    file = root / "intents" / "LIVE AGENT HANDOVER.json"
    loc = document.source_map.locate(step_path(project, "LIVE_AGENT_HANDOVER", "handoff"))
    assert (loc.file, loc.line) == (
        "shop/intents/LIVE AGENT HANDOVER.json",
        line_of(file, '"value": "HANDOVER"'),
    )
    assert not [n for n in project.notes if n.check == "says-transfer-without-handoff"]
    report = audit_files([(root, "shop")], Settings(language="en", discover_config=False))
    cx02 = {f.check for f in report.files[0].findings if f.rule == "CX02"}
    assert not cx02 & {"no-human-anywhere", "no-global-human"}  # one turn, from anywhere
    cx04 = {f.check for f in report.files[0].findings if f.rule == "CX04"}
    assert "context-undeclared" in cx04
    assert findings(bot)["CX02"] == []


@pytest.mark.parametrize(
    ("message", "context"),
    [
        ({"type": "liveAgentHandoff", "lang": "en", "liveAgentHandoff": {}}, "undeclared"),
        (
            {"type": 4, "lang": "en", "payload": {"handoff": {"summary": "#session.summary"}}},
            ["summary"],
        ),
        (
            {"type": "telephony_transfer_call", "platform": "telephony", "phoneNumber": "+31"},
            None,
        ),
    ],
)
def test_what_an_es_handoff_passes(
    tmp_path: Path, message: dict[str, Any], context: list[str] | str | None
) -> None:
    root = write_agent(
        tmp_path / "agent",
        [
            intent("hello", text("Hi, I'm a virtual assistant."), events=[{"name": "WELCOME"}]),
            intent("agent", text("I'm transferring you to a colleague."), message),
        ],
        {"hello": ["hi"], "agent": ["a person please"]},
    )
    project, _, _ = imported(root)
    assert "handoff" in steps_of(project)["agent"]
    expected = {} if context is None else {"context": context}
    assert project.data["handoff"] == expected


def test_an_export_without_agent_json(tmp_path: Path) -> None:
    """``package.json`` and ``intents/`` with training phrase files: Dialogflow ES; its
    languages are those of the phrase files (the most used first), its name the folder's."""
    root = handovers(tmp_path / "bots" / "shop-agent")
    (root / "agent.json").unlink()
    (root / "package.json").write_text('{\n  "version": "1.0.0"\n}\n', encoding="utf-8")
    with_phrases(root, {"human": {"nl": ["een mens graag"]}, "why": {"nl": ["waarom"]}})
    assert detect(root) == "dialogflow-es"
    project, document, _ = imported(root, "shop-agent")
    assert project.data["bot"]["name"] == "shop-agent"
    assert project.data["bot"]["languages"] == ["en", "nl"]
    assert {i["id"]: i for i in project.data["intents"]}["human"]["examples"] == {
        "en": ["a person please"],
        "nl": ["een mens graag"],
    }
    assert steps_of(project)["human"]["handoff"] == "integration_transfer"
    assert document.source_map.locate(("bot",)).file == "shop-agent/package.json"
    (root / "package.json").write_text('{"name": "Shop Bot"}', encoding="utf-8")
    assert imported(root, "shop-agent")[0].data["bot"]["name"] == "Shop Bot"
    # Without package.json it is still read; a folder that holds it is searched, not taken.
    (root / "package.json").unlink()
    assert detect(root) == "dialogflow-es"
    assert detect(tmp_path / "bots") is None
    from cxaudit.discover import expand

    found, problems = expand([str(tmp_path / "bots")])
    assert [display for _, display in found] == [f"{tmp_path / 'bots'}/shop-agent"]
    assert problems == []


def test_intent_files_without_phrases_are_no_export(tmp_path: Path) -> None:
    (tmp_path / "intents").mkdir()
    (tmp_path / "intents" / "hello.json").write_text("{}")
    (tmp_path / "intents" / "notes_usersays_english.json").write_text("[]")
    assert detect(tmp_path) is None


# -- the corpus, as the reviewers read it -------------------------------------------------------

OMNICHANNEL = SHARED / "corpus" / "GoogleCloudPlatform__dialogflow-ccai-omnichannel"
MORTGAGE = OMNICHANNEL / "dialogflow" / "es-agent"


@needs_shared("corpus", "GoogleCloudPlatform__dialogflow-ccai-omnichannel")
def test_omnichannel_live_agent_handover_is_a_one_turn_handoff() -> None:
    assert detect(MORTGAGE) == "dialogflow-es"  # package.json, no agent.json
    assert detect(MORTGAGE.parent) is None  # searched, and the agent found in it
    project, document, _ = imported(MORTGAGE, "es-agent")
    assert project.data["bot"]["name"] == "es-agent"
    # Six greetings: the Assistant's (the start), web, ads, app, phone and an SMS reminder.
    assert len(project.data["bot"]["start"]) == 6
    steps = steps_of(project)
    intents = {i["id"]: i for i in project.data["intents"]}
    handover = intents["LIVE_AGENT_HANDOVER"]
    assert handover["global"] is True and "I want to talk to a person" in handover["examples"]["en"]
    step = steps[handover["goto"]]
    assert step == {
        "id": "LIVE_AGENT_HANDOVER",
        "say": {"en": "Let me connect you. One moment."},
        "handoff": "integration_transfer",
    }
    assert [h for h in project.data["humans"] if h["id"] == "integration_transfer"]
    assert project.data["handoff"] == {"context": "undeclared"}  # the client's, unseen
    file = MORTGAGE / "intents" / "LIVE AGENT HANDOVER.json"
    loc = document.source_map.locate(step_path(project, "LIVE_AGENT_HANDOVER", "handoff"))
    assert (loc.file, loc.line) == (
        "es-agent/intents/LIVE AGENT HANDOVER.json",
        line_of(file, '"value": "HANDOVER"'),
    )
    report = audit_files([(MORTGAGE, "es-agent")], Settings(language="en", discover_config=False))
    checks = {(f.rule, f.check) for f in report.files[0].findings}
    assert not checks & {("CX02", "no-human-anywhere"), ("CX02", "no-global-human")}
    assert ("CX04", "context-undeclared") in checks
    # The appointment the webhook books: a back end may confirm it in writing, unseen.
    assert steps["confirm-appointment"]["agreement"] == "appointment"
    assert steps["confirm-appointment"]["confirm"] == {"channel": "undeclared"}


@needs_corpus
def test_capital_markets_broker_callback_is_the_way_to_a_person() -> None:
    project, _, _ = template("capital-markets")
    assert project.data["humans"] == [{"id": "callback", "channel": "callback"}]
    # The callback asks for nothing but an account number: no reason, no summary. The queue
    # takes requests whenever no one is there.
    assert project.data["handoff"] == {"context": ["collected_data"], "outside_hours": "callback"}
    report = audit_files(
        [(FINANCE / "agent-template-capital-markets", "agent-template-capital-markets")],
        Settings(language="en", discover_config=False),
    )
    file = report.files[0]
    checks = {(f.rule, f.check) for f in file.findings}
    assert ("CX02", "no-human-anywhere") not in checks
    # "call me", yes, the account number: too many turns for a bank (the reviewers' fail).
    assert next(r.status.value for r in file.rules if r.id == "CX02") == "fail"
    assert ("CX04", "no-context") in checks
