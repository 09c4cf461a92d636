"""The Dialogflow CX importer, on the real CCAI telecom export and on small synthetic exports.

Positions are not typed in by hand: :func:`line_of` finds the line in the export file, so the
tests check the origins recorded for the source map as well as the mapping.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from cxaudit.checks import REGISTRY
from cxaudit.checks._texts import text_items
from cxaudit.checks.base import Context
from cxaudit.config import Overrides, resolve
from cxaudit.diagnostics import InputError
from cxaudit.engine import audit_files
from cxaudit.graph import FlowGraph
from cxaudit.importers import load_project
from cxaudit.importers.base import Project
from cxaudit.importers.dialogflow import category_of
from cxaudit.loader import Document
from cxaudit.loading import Settings
from cxaudit.model import Bot
from cxaudit.model import build as build_bot
from cxaudit.report import FileReport
from cxaudit.schema import validate
from tests.conftest import SHARED, needs_shared

CCAI = SHARED / "corpus" / "Wiikay__CCAI"
needs_corpus = needs_shared("corpus", "Wiikay__CCAI")


# -- helpers -----------------------------------------------------------------------------------


def write_export(
    root: Path,
    flows: dict[str, dict[str, Any]],
    *,
    pages: dict[str, Any] | None = None,
    intents: dict[str, list[str]] | None = None,
    agent: dict[str, Any] | None = None,
    playbooks: dict[str, dict[str, Any]] | None = None,
    entity_types: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """A Dialogflow CX export folder: flows by name, pages as ``"Flow/Page"``, intents by name
    with English training phrases, entity types by name (``{"kind": ..., "values": [...]}``
    and other keys of the type's file); a page value that is a ``str`` is written as it is."""
    root.mkdir(parents=True, exist_ok=True)
    agent_data = {"displayName": "Helpdesk Bot", "defaultLanguageCode": "en"}
    agent_data.update(agent or {})
    (root / "agent.json").write_text(json.dumps(agent_data, indent=2), encoding="utf-8")
    for name, data in flows.items():
        folder = root / "flows" / name
        folder.mkdir(parents=True)
        (folder / f"{name}.json").write_text(
            json.dumps({"displayName": name, **data}, indent=2), encoding="utf-8"
        )
    for key, page in (pages or {}).items():
        flow, name = key.split("/", 1)
        folder = root / "flows" / flow / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        text = (
            page if isinstance(page, str) else json.dumps({"displayName": name, **page}, indent=2)
        )
        (folder / f"{quote(name, safe=' ')}.json").write_text(text, encoding="utf-8")
    for name, phrases in (intents or {}).items():
        folder = root / "intents" / name
        (folder / "trainingPhrases").mkdir(parents=True)
        (folder / f"{name}.json").write_text(json.dumps({"displayName": name}), encoding="utf-8")
        training = [{"parts": [{"text": p}], "languageCode": "en"} for p in phrases]
        (folder / "trainingPhrases" / "en.json").write_text(
            json.dumps({"trainingPhrases": training}, indent=2), encoding="utf-8"
        )
    for name, data in (playbooks or {}).items():
        folder = root / "playbooks" / name
        folder.mkdir(parents=True)
        (folder / f"{name}.json").write_text(
            json.dumps({"displayName": name, **data}, indent=2), encoding="utf-8"
        )
    for name, data in (entity_types or {}).items():
        folder = root / "entityTypes" / name
        (folder / "entities").mkdir(parents=True)
        header = {k: v for k, v in data.items() if k != "values"}
        (folder / f"{name}.json").write_text(
            json.dumps({"displayName": name, **header}, indent=2), encoding="utf-8"
        )
        entities = [{"value": v, "synonyms": [v]} for v in data.get("values", [])]
        (folder / "entities" / "en.json").write_text(
            json.dumps({"entities": entities}, indent=2), encoding="utf-8"
        )
    return root


def say(*texts: str) -> dict[str, Any]:
    return {"messages": [{"text": {"text": list(texts)}, "languageCode": "en"}]}


def ending(page: dict[str, Any]) -> dict[str, Any]:
    """A page that goes on to End Session (a page with no routes at all waits for the customer
    when its flow has intent routes)."""
    return {**page, "transitionRoutes": [{"condition": "true", "targetPage": "End Session"}]}


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """The line of the ``nth`` occurrence of ``needle`` in a file."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def imported(path: Path, display: str = "agent") -> tuple[Project, Document, Bot]:
    """Import, validate and model an export, as the engine does with a flow file."""
    project = load_project(path, display, "dialogflow-cx")
    document = project.document()
    assert validate(document, "flow.schema.json") == []
    return project, document, build_bot(document)


def steps_of(project: Project) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for flow in project.data["flows"] for s in flow["steps"]}


def step_path(project: Project, step_id: str, *rest: Any) -> tuple[Any, ...]:
    for fi, flow in enumerate(project.data["flows"]):
        for si, step in enumerate(flow["steps"]):
            if step["id"] == step_id:
                return ("flows", fi, "steps", si, *rest)
    raise AssertionError(step_id)


def findings(bot: Bot) -> dict[str, list[tuple[str, str, tuple[Any, ...]]]]:
    """Each rule's issues as (check, step or subject, data path), with default options."""
    effective = resolve((), sector=bot.sector, cli=Overrides(None, None, None, None))
    context = Context(bot, FlowGraph(bot), strict=False)
    result: dict[str, list[tuple[str, str, tuple[Any, ...]]]] = {}
    for rule, run in REGISTRY.items():
        outcome = run(context, effective.rules[rule].option_values())
        result[rule] = [
            (i.check, str(i.params.get("step") or i.subject), tuple(i.path)) for i in outcome.issues
        ]
    return result


# -- the CCAI telecom export ---------------------------------------------------------------------


@cache
def ccai() -> tuple[Project, Document, Bot]:
    return imported(CCAI, "CCAI")


@needs_corpus
def test_ccai_imports_every_flow_and_playbook() -> None:
    project, _, bot = ccai()
    flows = {flow.id for flow in bot.flows}
    assert {"Default_Start_Flow", "Auth", "Make_A_Payment", "Agent_Handoff"} <= flows
    assert "Telecom_geet" in flows  # the playbook
    assert len(flows) == 19  # 18 flows and one playbook
    assert bot.name == "Telecom.Virtual.Agent"
    assert bot.languages == ("en",)
    # Page names stay readable; pages that several flows share are qualified with their flow.
    steps = steps_of(project)
    assert {"Menu_Options", "Ask_Phone", "collect_cvv", "explain_Bill"} <= set(steps)
    assert "Cvv_Collection.end_escalation" in steps and "Dob_Collection.end_escalation" in steps
    assert "end_escalation" not in steps


@needs_corpus
def test_ccai_first_texts_are_the_welcome_then_the_menu() -> None:
    project, document, bot = ccai()
    steps = steps_of(project)
    assert bot.start == "Default_Start_Flow.start"
    welcome = steps[steps[bot.start]["next"]]
    # The three time-of-day greetings of the Default Welcome Intent route, each a disclosure.
    assert welcome["say"]["en"].splitlines() == [
        f"Good {part}! Hello! I'm Mobile's virtual assistant. What can I assist you with today?"
        for part in ("morning", "afternoon", "evening")
    ]
    assert welcome["next"] == "Menu_Options"
    assert steps["Menu_Options"]["ask"]["en"].startswith("I can help you with account management")
    assert steps["Menu_Options"]["on"]["general.agent_request"] == "Agent_Handoff"
    loc = document.source_map.locate(step_path(project, welcome["id"], "say", "en"))
    start_flow = CCAI / "flows" / "Default Start Flow" / "Default Start Flow.json"
    assert loc.file == "CCAI/flows/Default Start Flow/Default Start Flow.json"
    assert loc.line == line_of(start_flow, "Good morning!")
    assert "CX01" not in {r for r, issues in findings(bot).items() if issues}


@needs_corpus
def test_ccai_handoffs() -> None:
    project, document, _ = ccai()
    steps = steps_of(project)
    handoffs = {sid: s["handoff"] for sid, s in steps.items() if "handoff" in s}
    # The menu's "agent" intent leads to a telephony transfer to +16465313242, without a word.
    transfer = steps[steps["Agent_Handoff.start"]["next"]]
    assert transfer["handoff"] == "telephony_transfer" and "say" not in transfer
    loc = document.source_map.locate(step_path(project, transfer["id"], "handoff"))
    agent_handoff = CCAI / "flows" / "Agent_Handoff" / "Agent_Handoff.json"
    assert (loc.file, loc.line) == (
        "CCAI/flows/Agent_Handoff/Agent_Handoff.json",
        line_of(agent_handoff, "telephonyTransferCall"),
    )
    # Nine prebuilt components end with END_FLOW_WITH_HUMAN_ESCALATION on their end escalation page.
    escalations = sorted(sid for sid, human in handoffs.items() if human == "human_escalation")
    assert len(escalations) == 9
    assert all(sid.endswith(".end_escalation") for sid in escalations)
    assert steps["Make_A_Payment.end_escalation"]["say"]["en"] == (
        "Please hold while we transfer your call in order to assist you better."
    )
    assert set(handoffs.values()) == {"telephony_transfer", "human_escalation"}  # no live agent
    assert [h["id"] for h in project.data["humans"]] == ["telephony_transfer", "human_escalation"]
    # Failed authentication (three wrong passcodes) goes to the agent transfer.
    assert {"goto": "Agent_Handoff"} in [
        {"goto": o["goto"]} for o in steps["Confirm_Password"]["options"]
    ]
    # The phone transfer puts the call through and passes nothing: no context, shown at the
    # transfer (the escalations' integration could pass more, but this one passes nothing).
    assert project.data["handoff"] == {}
    loc = document.source_map.locate(("handoff",))
    assert (loc.file, loc.line) == (
        "CCAI/flows/Agent_Handoff/Agent_Handoff.json",
        line_of(agent_handoff, "telephonyTransferCall"),
    )


@needs_corpus
def test_ccai_agent_request_from_the_main_menu_is_a_phone_handoff() -> None:
    project, _, _ = ccai()
    steps = steps_of(project)
    assert steps["Menu_Options"]["on"]["general.agent_request"] == "Agent_Handoff"
    (flow,) = [f for f in project.data["flows"] if f["id"] == "Agent_Handoff"]
    assert flow["steps"][0]["id"] == "Agent_Handoff.start"  # where the menu's "agent" leads
    transfer = steps[steps["Agent_Handoff.start"]["next"]]
    assert transfer["handoff"] == "telephony_transfer"
    report = audited(CCAI, "CCAI")
    cx02 = {c for c, _ in found(report, "CX02")}
    assert "no-human-anywhere" not in cx02
    assert ("no-context", None) in found(report, "CX04")  # the reviewers' sure fail
    assert status(report, "CX04") == "fail"


@needs_corpus
def test_ccai_no_match_handlers() -> None:
    project, document, _ = ccai()
    steps = steps_of(project)
    # Only the flow's sys.no-match-default ("I didn't get that..."): the bot asks for ever.
    for sid in ("Menu_Options", "Ask_password", "Billing_Options", "check_Issue"):
        assert steps[sid]["fallback"] == sid
    # The CVV component re-prompts twice (no-match-1, -2), then sys.no-match-3 fails the flow.
    assert steps["collect_cvv"]["fallback"] == {"retries": 2, "then": "Cvv_Collection.end_failure"}
    # The name component jumps on the first miss to the alternate-name page.
    fallback = steps["collect_first_name"]["fallback"]
    assert fallback["retries"] == 0
    assert steps[fallback["then"]]["next"] == "collect_alternate_first_name"
    loc = document.source_map.locate(step_path(project, "collect_cvv", "fallback"))
    cvv = CCAI / "flows" / "Cvv Collection" / "pages" / "%3e collect cvv.json"
    assert loc.file == "CCAI/flows/Cvv Collection/pages/%3e collect cvv.json"
    # The handler's opening brace, a line or two above its event name.
    assert 0 < line_of(cvv, '"sys.no-match-3"') - loc.line <= 2
    cx03 = Counter(check for check, _, _ in findings(ccai()[2])["CX03"])
    assert cx03["fallback-loops"] >= 4


@needs_corpus
def test_ccai_personal_data() -> None:
    project, document, bot = ccai()
    steps = steps_of(project)
    assert steps["Ask_Phone"]["collect"] == "phone_no"
    assert steps["Ask_password"]["collect"] == "passcode"
    assert steps["collect_cvv"]["collect"] == "cvv_code"  # an intent parameter
    undeclared = {d["field"]: d["category"] for d in project.data["privacy"]["data"]}
    assert {d["basis"] for d in project.data["privacy"]["data"]} == {"undeclared"}
    assert undeclared["phone_no"] == "contact"
    assert undeclared["cvv_code"] == "financial"
    assert undeclared["last_four_digit_of_card_number"] == "financial"
    assert undeclared["user_provided_first_name"] == "identifier"
    assert "payment_mode" not in undeclared and "amount_type" not in undeclared
    # Nothing is declared: CX09 reports each field, where the export first collects it.
    cx09 = findings(bot)["CX09"]
    phone = next(
        i for i, d in enumerate(project.data["privacy"]["data"]) if d["field"] == "phone_no"
    )
    assert ("basis-undeclared", "phone_no", ("privacy", "data", phone, "basis")) in cx09
    loc = document.source_map.locate(("privacy", "data", phone, "basis"))
    assert loc == document.source_map.locate(step_path(project, "Ask_Phone", "collect"))
    ask_phone = CCAI / "flows" / "Auth" / "pages" / "Ask Phone.json"
    assert (loc.file, loc.line) == (
        "CCAI/flows/Auth/pages/Ask Phone.json",
        line_of(ask_phone, '"displayName": "phone_no"'),
    )


@needs_corpus
def test_ccai_rules_find_what_a_reviewer_finds() -> None:
    project, document, bot = ccai()
    result = findings(bot)
    cx03 = {(check, step) for check, step, _ in result["CX03"]}
    assert ("dead-end", "explain_Bill") in cx03  # an empty page
    assert ("dead-end", "New_Promotions.start") in cx03  # an empty flow the menu leads to
    assert ("unreachable", "Plan_Management.start") in cx03  # nothing routes to it
    assert ("no-fallback", "Telecom_geet.generate") in cx03
    cx02 = {(check, step) for check, step, _ in result["CX02"]}
    assert ("no-global-human", "check_Issue") in cx02  # technical support never hands off
    assert ("no-global-human", "intents") in cx02
    cx04 = {(check, step) for check, step, _ in result["CX04"]}
    assert ("no-announcement", "Agent_Handoff.start.route1") in cx04
    assert ("no-announcement", "Make_A_Payment.end_escalation") not in cx04
    # The payment webhooks make the payments; whether their back end confirms them in writing
    # the export cannot show: unknown, as the reviewers have it.
    cx08 = {(check, step) for check, step, _ in result["CX08"]}
    assert ("confirmation-undeclared", "process_debit_card_payment_API") in cx08
    assert ("no-confirmation", "process_debit_card_payment_API") not in cx08
    path = step_path(project, "explain_Bill")
    loc = document.source_map.locate(path)
    assert loc.file == "CCAI/flows/Billing/pages/explain Bill.json"
    notes = {(n.check, n.params.get("name"), n.rule) for n in project.notes}
    assert ("generated-text", "'Telecom geet'", None) in notes
    # The only payload holds chips, and each is placed (test_ccai_chips_are_options).
    assert not [n for n in project.notes if n.check in ("unsupported-message", "unplaced-chips")]
    # What the export cannot say the rules say: no hours for the humans, no privacy policy.
    assert {"human-incomplete"} <= {check for check, _, _ in result["CX05"]}
    assert "no-policy" in {check for check, _, _ in result["CX09"]}


@needs_corpus
def test_ccai_is_deterministic() -> None:
    first = load_project(CCAI, "CCAI", "dialogflow-cx").data
    assert load_project(CCAI, "CCAI", "dialogflow-cx").data == first


# -- synthetic exports ---------------------------------------------------------------------------


def minimal(tmp_path: Path, **extra_pages: Any) -> Path:
    routes = [
        {
            "intent": "Default Welcome Intent",
            "triggerFulfillment": say("Hi, I'm the helpdesk bot."),
            "targetPage": "Ask email",
        },
    ]
    pages: dict[str, Any] = {
        "Start/Ask email": {
            "form": {
                "parameters": [
                    {
                        "displayName": "email",
                        "entityType": "@sys.email",
                        "required": True,
                        "fillBehavior": {
                            "initialPromptFulfillment": say("What is your email address?"),
                            "repromptEventHandlers": [
                                {"event": "sys.no-match-1", "triggerFulfillment": say("Again?")},
                                {"event": "sys.no-match-2", "targetPage": "Human"},
                            ],
                        },
                    }
                ]
            },
            "transitionRoutes": [
                {"condition": "$page.params.status = FINAL", "targetPage": "Menu"}
            ],
        },
        "Start/Menu": {
            "entryFulfillment": say("Anything else?"),
            "transitionRoutes": [
                {"intent": "agent", "targetPage": "Human"},
                {"intent": "bye", "targetPage": "End Session"},
            ],
            "eventHandlers": [{"event": "sys.no-match-default", "targetPage": "Human"}],
        },
        "Start/Human": {
            "entryFulfillment": {
                "messages": [
                    {"text": {"text": ["I'm transferring you to a colleague."]}},
                    {"liveAgentHandoff": {"metadata": {}}},
                ]
            },
        },
        **extra_pages,
    }
    return write_export(
        tmp_path / "agent",
        {"Start": {"transitionRoutes": routes}},
        pages=pages,
        intents={"Default Welcome Intent": ["hi"], "agent": ["a person please"], "bye": ["bye"]},
        agent={"startFlow": "Start"},
    )


def test_minimal_agent_maps_precisely(tmp_path: Path) -> None:
    project, document, bot = imported(minimal(tmp_path))
    steps = steps_of(project)
    assert bot.start == "Start.start"
    assert steps["Start.start"]["next"] == "Start.start.welcome"
    assert steps["Start.start.welcome"] == {
        "id": "Start.start.welcome",
        "say": {"en": "Hi, I'm the helpdesk bot."},
        "next": "Ask_email",
    }
    assert steps["Ask_email"] == {
        "id": "Ask_email",
        "ask": {"en": "What is your email address?"},
        "collect": "email",
        "fallback": {"retries": 1, "then": "Human"},
        "next": "Menu",
        # The start flow's intent routes work on every page of the flow that waits.
        "on": {"Default_Welcome_Intent": "Ask_email.Default_Welcome_Intent"},
    }
    assert steps["Ask_email.Default_Welcome_Intent"]["next"] == "Ask_email"
    assert steps["Menu"]["ask"] == {"en": "Anything else?"}
    assert steps["Menu"]["on"]["agent"] == "Human"
    assert steps["Menu"]["on"]["bye"] == "END_SESSION"
    assert steps["Menu"]["fallback"] == {"retries": 0, "then": "Human"}
    assert steps["Human"]["handoff"] == "live_agent"
    assert steps["END_SESSION"]["end"] is True
    assert project.data["humans"] == [{"id": "live_agent", "channel": "live_chat"}]
    assert project.data["privacy"]["data"] == [
        {
            "field": "email",
            "category": "contact",
            "basis": "undeclared",
            "x-entity-type": "@sys.email",
        }
    ]
    intents = {i["id"]: i for i in project.data["intents"]}
    assert intents["agent"]["examples"] == {"en": ["a person please"]}
    assert intents["Default_Welcome_Intent"]["goto"] == "Start.start.welcome"
    page = tmp_path / "agent" / "flows" / "Start" / "pages" / "Ask email.json"
    loc = document.source_map.locate(step_path(project, "Ask_email", "ask", "en"))
    assert (loc.file, loc.line) == (
        "agent/flows/Start/pages/Ask email.json",
        line_of(page, "What is your email address?"),
    )
    loc = document.source_map.locate(("intents", 1, "examples", "en", 0))
    assert loc.file == "agent/intents/agent/trainingPhrases/en.json"
    result = findings(bot)
    assert result["CX01"] == []
    assert ("basis-undeclared", "email") in {(c, s) for c, s, _ in result["CX09"]}


def test_invalid_json_page_is_a_note_with_its_line(tmp_path: Path) -> None:
    root = minimal(tmp_path, **{"Start/Broken": '{\n  "displayName": "Broken",\n  "form": {,\n}'})
    project, _, _ = imported(root)
    (note,) = [n for n in project.notes if n.check == "unreadable-file"]
    assert note.params["file"] == "agent/flows/Start/pages/Broken.json"
    assert note.location is not None and note.location.line == 3


def test_route_to_a_missing_page_is_an_input_error(tmp_path: Path) -> None:
    root = minimal(
        tmp_path,
        **{"Start/Lost": {"transitionRoutes": [{"condition": "true", "targetPage": "Nowhere"}]}},
    )
    with pytest.raises(InputError) as caught:
        load_project(root, "agent", "dialogflow-cx")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.path == "agent/flows/Start/pages/Lost.json"
    assert "'Nowhere' names no page of flow 'Start'" in diagnostic.message
    page = root / "flows" / "Start" / "pages" / "Lost.json"
    assert diagnostic.line == line_of(page, '"targetPage": "Nowhere"')


def test_route_to_a_missing_flow_is_an_input_error(tmp_path: Path) -> None:
    root = minimal(
        tmp_path,
        **{"Start/Lost": {"transitionRoutes": [{"condition": "true", "targetFlow": "Billing"}]}},
    )
    with pytest.raises(InputError) as caught:
        load_project(root, "agent", "dialogflow-cx")
    assert "'Billing' names no flow" in caught.value.diagnostics[0].message


def test_unknown_message_type_is_a_note(tmp_path: Path) -> None:
    entry = {"messages": [{"playAudio": {"audioUri": "gs://x"}}, *say("Hello")["messages"]]}
    root = minimal(tmp_path, **{"Start/Audio": ending({"entryFulfillment": entry})})
    project, _, _ = imported(root)
    (note,) = [n for n in project.notes if n.check == "unsupported-message"]
    assert note.params == {"kind": "playAudio"} and note.rule is None
    page = root / "flows" / "Start" / "pages" / "Audio.json"
    assert note.location is not None and note.location.line == line_of(page, "playAudio")
    assert steps_of(project)["Audio"]["say"] == {"en": "Hello"}


def test_playbook_is_a_generate_step(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    flow_file = root / "flows" / "Start" / "Start.json"
    flow = json.loads(flow_file.read_text(encoding="utf-8"))
    flow["transitionRoutes"].append({"intent": "agent", "targetPlaybook": "Helper"})
    flow_file.write_text(json.dumps(flow), encoding="utf-8")
    (root / "playbooks" / "Helper").mkdir(parents=True)
    (root / "playbooks" / "Helper" / "Helper.json").write_text(
        json.dumps(
            {
                "displayName": "Helper",
                "goal": "Answer billing questions",
                "instruction": {"steps": [{"text": "Greet", "steps": [{"text": "Be brief"}]}]},
            }
        ),
        encoding="utf-8",
    )
    project, _, _ = imported(root)
    steps = steps_of(project)
    assert steps["Start.start"]["on"]["agent"] == "Helper"
    assert steps["Helper.generate"]["generate"] == {
        "prompt": {"en": "Goal: Answer billing questions\n- Greet\n- Be brief"}
    }
    (note,) = [n for n in project.notes if n.check == "generated-text"]
    assert note.params["name"] == "'Helper'"
    assert note.rule is None  # about every text rule, not one (the Rasa importer agrees)


def test_escalation_page_becomes_the_handoff(tmp_path: Path) -> None:
    root = minimal(
        tmp_path,
        **{
            "Start/Escalate": {
                "entryFulfillment": say("Transferring you to an agent, please hold."),
                "transitionRoutes": [
                    {"condition": "true", "targetPage": "END_FLOW_WITH_HUMAN_ESCALATION"}
                ],
            },
            "Start/Stuck": {"entryFulfillment": say("One moment, I'm connecting you now.")},
        },
    )
    project, _, _ = imported(root)
    steps = steps_of(project)
    assert steps["Escalate"]["handoff"] == "human_escalation"
    assert "next" not in steps["Escalate"]
    assert "Start.END_FLOW_WITH_HUMAN_ESCALATION" not in steps
    warned = [n for n in project.notes if n.check == "says-transfer-without-handoff"]
    assert [n.params["name"] for n in warned] == ["Stuck"]
    # A person is promised that no path reaches: CX02's concern, as in the Rasa importer.
    assert [n.rule for n in warned] == ["CX02"]
    page = root / "flows" / "Start" / "pages" / "Stuck.json"
    assert warned[0].location is not None
    assert warned[0].location.line == line_of(page, "connecting you now")


@pytest.mark.parametrize(
    ("name", "entity", "category"),
    [
        ("phone_no", "@sys.phone-number", "contact"),
        ("$flow.channel", "@prebuilt_components_channel_email_mobile", None),
        ("cvv_code", "@sys.number-sequence", "financial"),
        ("day", "@prebuilt_components_dob_collection_dob_day", "identifier"),
        ("passport_number", "@sys.any", "government_id"),
        ("payment_mode", "@prebuilt_components_make_a_payment_payment_mode", None),
        ("payment_amount", "@sys.number", "financial"),
        # A date or time is personal data only as a birth date, whatever else its name says.
        ("payment_date", "@sys.date", None),
        ("payment_date", "@sys.any", None),
        ("transaction_date", "@sys.date", None),
        ("card_payment_time", "@sys.time", None),
        ("bankTransferDate", "@sys.any", None),
        ("payment", "@sys.date-time", None),
        ("expiration_date", "@prebuilt_components_card_expiration_date", "financial"),
        ("month", "@prebuilt_components_card_expiration_Mname", "financial"),
        ("date_of_birth", "@sys.date", "identifier"),
        ("dob", "@sys.any", "identifier"),
        ("birthday", "@sys.date", "identifier"),
        ("month", "@prebuilt_components_dob_collection_dob_month", "identifier"),
        ("date", "@sys.date", None),
        # A custom type's name says no more than the component it belongs to.
        ("incorrect_part", "@prebuilt_components_dob_collection_wrong_part", None),
        ("spelling_separator", "@prebuilt_components_name_collection_seperator", None),
    ],
)
def test_data_category_from_parameter_and_entity_type(
    name: str, entity: str, category: str | None
) -> None:
    assert category_of(name.removeprefix("$flow."), entity) == category


@pytest.mark.parametrize(
    ("name", "entity", "category"),
    [
        ("incorrect_part", "@prebuilt_components_dob_collection_wrong_part", None),
        ("card_type", "@card_types", None),  # visa / mastercard: a choice, not card data
        ("collect_name", "@prebuilt_components_name_collection_collect_name", None),
        # System entity types are judged as before, even if a file for them is in the export.
        ("phone_no", "@sys.phone-number", "contact"),
        ("cvv_code", "@sys.number-sequence", "financial"),
        # A birth date stays a birth date, even from a list (months by name).
        ("birth_month", "@months", "identifier"),
    ],
)
def test_choices_are_not_personal_data(name: str, entity: str, category: str | None) -> None:
    assert category_of(name, entity, choices=True) == category


# -- entity types, texts, targets and chips --------------------------------------------------


def form_page(*parameters: tuple[str, str]) -> dict[str, Any]:
    """A page whose form asks for each (name, entity type) in turn."""
    return {
        "form": {
            "parameters": [
                {
                    "displayName": name,
                    "entityType": entity,
                    "required": True,
                    "fillBehavior": {"initialPromptFulfillment": say(f"Your {name}?")},
                }
                for name, entity in parameters
            ]
        },
        "transitionRoutes": [{"condition": "true", "targetPage": "Menu"}],
    }


def test_entity_types_that_enumerate_choices_are_not_collected(tmp_path: Path) -> None:
    root = minimal(
        tmp_path,
        **{
            "Start/Form": form_page(
                ("incorrect_part", "@dob_wrong_part"),  # day / month / year: a choice
                ("account_kind", "@account_kinds"),  # a map of choices, named like data
                ("customer_name", "@names"),  # a list that grows with what customers say
                ("dob_day", "@dob_day"),  # numbers: the customer's own data
                ("card_holder", "@holder_names"),  # more values than a menu has
                ("iban", "@iban_pattern"),  # a regular expression
                ("membership", "@dob_composite"),  # made of other entity types
                ("card_code", "@sys.number-sequence"),  # a system entity type, as before
            )
        },
    )
    write_export(
        root,
        {},
        entity_types={
            "dob_wrong_part": {"kind": "KIND_MAP", "values": ["day", "month", "year"]},
            "account_kinds": {"kind": "KIND_MAP", "values": ["savings account", "checking"]},
            "names": {
                "kind": "KIND_LIST",
                "autoExpansionMode": "AUTO_EXPANSION_MODE_DEFAULT",
                "values": ["Anna", "Bob"],
            },
            "dob_day": {"kind": "KIND_MAP", "values": [str(d) for d in range(1, 32)]},
            "holder_names": {
                "kind": "KIND_LIST",
                "values": [f"name{chr(97 + i)}" for i in range(26)],
            },
            "iban_pattern": {"kind": "KIND_REGEXP", "values": ["[A-Z]{2}[0-9]{2}.*"]},
            "dob_composite": {"kind": "KIND_LIST", "values": ["@dob_day:day @dob_wrong_part:x"]},
            "sys.number-sequence": {"kind": "KIND_MAP", "values": ["one", "two"]},
        },
    )
    project, _, _ = imported(root)
    steps = steps_of(project)
    collected = {s.get("collect") for s in steps.values()}
    assert {"incorrect_part", "account_kind"} & collected == set()
    undeclared = {d["field"]: d["category"] for d in project.data["privacy"]["data"]}
    assert "incorrect_part" not in undeclared and "account_kind" not in undeclared
    assert undeclared["customer_name"] == "identifier"
    assert undeclared["dob_day"] == "identifier"
    assert undeclared["card_holder"] == "financial"
    assert undeclared["iban"] == "financial"
    assert "membership" not in undeclared  # dob in the type's name says nothing of it
    assert undeclared["card_code"] == "financial"
    assert "collect" not in steps["Form"]  # the form's first question: which part is wrong


@needs_corpus
def test_ccai_choice_entity_types_are_not_personal_data() -> None:
    project, _, bot = ccai()
    steps = steps_of(project)
    # Dob Collection asks which part of the birth date is wrong: day, month, year or entire.
    assert "collect" not in steps["collect_incorrect_part"]
    assert "collect" not in steps["confirmation_dob"]
    # Beneficiary Name Collection asks which part of the name to collect.
    assert "collect" not in steps["collect_specific_path"]
    undeclared = {d["field"]: d["category"] for d in project.data["privacy"]["data"]}
    assert {"incorrect_part", "collect_name"} & set(undeclared) == set()
    assert "prebuilt_components_name_collection_collect_name" not in undeclared
    # The parts of the birth date are personal data, and so is a card's expiry date (card data).
    assert undeclared["day"] == "identifier"
    assert undeclared["month"] in ("identifier", "financial")  # birth or expiry month: one field
    assert steps["Dob_Collection.collect_month"]["collect"] == "month"
    assert undeclared["expiration_date"] == "financial"
    assert undeclared["card_expiration_date"] == "financial"
    cx09 = {subject for check, subject, _ in findings(bot)["CX09"] if check == "basis-undeclared"}
    assert "incorrect_part" not in cx09 and "day" in cx09


@needs_corpus
def test_ccai_ssml_in_text_messages_keeps_the_words() -> None:
    project, document, _ = ccai()
    ask = steps_of(project)["route_payment_confirmation"]["ask"]["en"].splitlines()
    assert len(ask) == 9  # one per conditional case
    assert ask[0] == (
        "Okay, we are going to make a payment of $$flow.total_amount for your credit card bill"
        " ending in $flow.payee_last_four_digit_of_credit_card_number with the $flow.user_mop"
        " number ending in $session.params.last_four_digit_of_account_number."
        " Do you confirm this action?"
    )
    assert not any("<" in line or ">" in line for line in ask)
    loc = document.source_map.locate(step_path(project, "route_payment_confirmation", "ask", "en"))
    page = CCAI / "flows" / "Make A Payment" / "pages" / "route payment confirmation.json"
    assert loc.file == "CCAI/flows/Make A Payment/pages/route payment confirmation.json"
    assert loc.line == line_of(page, "Okay, we are going to make a payment")
    texts = [
        t
        for flow in project.data["flows"]
        for step in flow["steps"]
        for key in ("say", "ask")
        if isinstance(step.get(key), dict)
        for t in step[key].values()
    ]
    assert not any("<speak>" in t or "<say-as" in t for t in texts)


def test_ssml_in_a_text_message(tmp_path: Path) -> None:
    text = (
        "<speak>Your balance is <say-as interpret-as='currency'>$session.params.balance"
        "</say-as>.<break time='1s'/>Anything else?</speak>"
    )
    root = minimal(
        tmp_path, **{"Start/Balance": ending({"entryFulfillment": say(text, "a < b > c")})}
    )
    project, _, _ = imported(root)
    assert steps_of(project)["Balance"]["say"] == {
        "en": "Your balance is $session.params.balance. Anything else?\na < b > c"
    }


@needs_corpus
def test_ccai_parameter_references_are_not_words() -> None:
    project, document, _ = ccai()
    steps = steps_of(project)
    assert steps["Cvv_Collection.end_failure"]["say"] == {"x-dialogflow": "$flow.failure_msg"}
    assert steps["collect_cvv.prebuilt_components_replay"]["say"] == {
        "en": "Sure, let me repeat it",
        "x-dialogflow": "$flow.last_prompt",
    }
    loc = document.source_map.locate(
        step_path(project, "Cvv_Collection.end_failure", "say", "x-dialogflow")
    )
    page = CCAI / "flows" / "Cvv Collection" / "pages" / "end failure.json"
    assert (loc.file, loc.line) == (
        "CCAI/flows/Cvv Collection/pages/end failure.json",
        line_of(page, "$flow.failure_msg"),
    )
    # A text that says something around its references stays words.
    assert steps["confirm_cvv"]["ask"]["en"].startswith("You mentioned the CVV is $flow.cvv_code.")


def test_parameter_reference_texts(tmp_path: Path) -> None:
    root = minimal(
        tmp_path,
        **{
            "Start/Failure": ending({"entryFulfillment": say("$flow.failure_msg")}),
            "Start/Mixed": ending(
                {
                    "entryFulfillment": say(
                        "Sorry.",
                        "$session.params.x",
                        " $flow.a $page.params.b.status ",
                        "$$flow.total",
                    )
                }
            ),
            "Start/Balance": ending(
                {"entryFulfillment": say("Your balance is $session.params.balance")}
            ),
        },
    )
    project, _, bot = imported(root)
    steps = steps_of(project)
    assert steps["Failure"]["say"] == {"x-dialogflow": "$flow.failure_msg"}
    assert steps["Mixed"]["say"] == {
        "en": "Sorry.",
        "x-dialogflow": "$session.params.x\n$flow.a $page.params.b.status\n$$flow.total",
    }
    assert steps["Balance"]["say"] == {"en": "Your balance is $session.params.balance"}
    # The text rules read the words only.
    words = {item.text for item in text_items(bot) if item.step.id in ("Failure", "Mixed")}
    assert words == {"Sorry."}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("targetPage", ["Menu"], "targetPage must be a page name, got a list"),
        ("targetPage", {"name": "Menu"}, "targetPage must be a page name, got an object"),
        ("targetPage", 3, "targetPage must be a page name, got the number 3"),
        ("targetFlow", None, "targetFlow must be a flow name, got null"),
        ("targetPlaybook", True, "targetPlaybook must be a playbook name, got true"),
    ],
)
def test_a_target_that_is_not_a_name_is_an_input_error(
    tmp_path: Path, key: str, value: Any, message: str
) -> None:
    route = {"condition": "true", key: value}
    root = minimal(tmp_path, **{"Start/Odd": {"transitionRoutes": [route]}})
    with pytest.raises(InputError) as caught:
        load_project(root, "agent", "dialogflow-cx")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == message
    page = root / "flows" / "Start" / "pages" / "Odd.json"
    assert diagnostic.path == "agent/flows/Start/pages/Odd.json"
    assert diagnostic.line == line_of(page, f'"{key}"')
    line = page.read_text(encoding="utf-8").splitlines()[diagnostic.line - 1]
    assert diagnostic.column in (line.index(f'"{key}"') + 1, line.index(":") + 3)


@needs_corpus
def test_ccai_chips_are_options() -> None:
    project, document, _ = ccai()
    step = steps_of(project)["check_Issue"]
    # Each chip names an intent the page routes ("slow data": slow_data) or the page its route
    # goes to ("Dropped Calls Troubleshoot": Dropped_Calls_Troubleshoot); none is a training
    # phrase word for word.
    assert step["options"] == [
        {"label": {"en": "No Signal Troubleshoot"}, "goto": "check_Issue.No_Signal_Troubleshoot"},
        {"label": {"en": "slow data"}, "goto": "check_Issue.slow_data"},
        {"label": {"en": "Dropped Calls Troubleshoot"}, "goto": "check_Issue.dropped_calls"},
    ]
    assert [step["on"][i] for i in ("No_Signal_Troubleshoot", "slow_data", "dropped_calls")] == [
        o["goto"] for o in step["options"]
    ]
    loc = document.source_map.locate(step_path(project, "check_Issue", "options", 1, "label", "en"))
    page = CCAI / "flows" / "Technical_Support" / "pages" / "check Issue.json"
    assert (loc.file, loc.line) == (
        "CCAI/flows/Technical_Support/pages/check Issue.json",
        line_of(page, '"slow data"'),
    )


def chips(*texts: str, **extra: Any) -> dict[str, Any]:
    items = [{"type": "chips", "options": [{"text": t} for t in texts]}]
    return {"payload": {"richContent": [items], **extra}, "languageCode": "en"}


def test_chips_go_where_the_intent_they_name_leads(tmp_path: Path) -> None:
    pick = {
        "entryFulfillment": {
            "messages": [
                *say("What do you need?")["messages"],
                chips("A person please", "BYE", "Human", "Something else"),
            ]
        },
        "transitionRoutes": [
            {"intent": "agent", "targetPage": "Human"},
            {"intent": "bye", "targetPage": "End Session"},
        ],
    }
    root = minimal(tmp_path, **{"Start/Pick": pick})
    project, _, bot = imported(root)
    step = steps_of(project)["Pick"]
    assert step["options"] == [
        {"label": {"en": "A person please"}, "goto": "Human"},  # a training phrase of agent
        {"label": {"en": "BYE"}, "goto": "END_SESSION"},  # the intent's name
        {"label": {"en": "Human"}, "goto": "Human"},  # the page the route goes to
    ]
    (note,) = [n for n in project.notes if n.check == "unplaced-chips"]
    assert note.params == {"chips": "'Something else'"}
    page = root / "flows" / "Start" / "pages" / "Pick.json"
    assert note.location is not None and note.location.line == line_of(page, '"payload"')
    # The chips are labels the text rules read.
    labels = [i.text for i in text_items(bot) if i.step.id == "Pick" and i.kind == "option"]
    assert labels == ["A person please", "BYE", "Human"]


def test_chips_that_cannot_be_placed_stay_a_note(tmp_path: Path) -> None:
    root = minimal(
        tmp_path,
        **{
            # A page that does not wait for the customer: where would a chip lead?
            "Start/Say": {
                "entryFulfillment": {"messages": [chips("bye")]},
                "transitionRoutes": [{"condition": "true", "targetPage": "Menu"}],
            },
            # Chips beside other rich content: the chips are placed, the card is a note.
            "Start/Card": {
                "entryFulfillment": {
                    "messages": [chips("bye", cardType="info")],
                },
                "transitionRoutes": [{"intent": "bye", "targetPage": "End Session"}],
            },
        },
    )
    project, _, _ = imported(root)
    steps = steps_of(project)
    assert "options" not in steps["Say"]
    assert steps["Card"]["options"] == [{"label": {"en": "bye"}, "goto": "END_SESSION"}]
    notes = sorted(
        (n.location.file if n.location else "", n.check, dict(n.params))
        for n in project.notes
        if n.check in ("unsupported-message", "unplaced-chips")
    )
    assert notes == [
        ("agent/flows/Start/pages/Card.json", "unsupported-message", {"kind": "payload"}),
        ("agent/flows/Start/pages/Say.json", "unplaced-chips", {"chips": "'bye'"}),
    ]


# -- handoffs, wherever the export puts them ---------------------------------------------------


def audited(root: Path, display: str = "agent") -> FileReport:
    """The engine's report on an export (what ``cxaudit check`` prints)."""
    report = audit_files([(root, display)], Settings(language="en", discover_config=False))
    assert report.errors == (), [e.render() for e in report.errors]
    return report.files[0]


def found(report: FileReport, rule: str) -> set[tuple[str, str | None]]:
    return {(f.check, f.step) for f in report.findings if f.rule == rule}


def status(report: FileReport, rule: str) -> str:
    return next(r.status.value for r in report.rules if r.id == rule)


def live_agent(text: str, metadata: Any = None) -> dict[str, Any]:
    """A fulfilment that says ``text`` and hands over to a live agent."""
    handoff = {} if metadata is None else {"metadata": metadata}
    return {"messages": [*say(text)["messages"], {"liveAgentHandoff": handoff}]}


def welcome_to(page: str, **routes: str) -> dict[str, Any]:
    """A start flow: the welcome leads to ``page``; ``routes`` are intent -> flow."""
    start = [
        {
            "intent": "Default Welcome Intent",
            "triggerFulfillment": say("Hi, I'm the helpdesk bot, a virtual assistant."),
            "targetPage": page,
        },
        *({"intent": intent, "targetFlow": flow} for intent, flow in routes.items()),
    ]
    return {"transitionRoutes": start}


INTENTS = {
    "Default Welcome Intent": ["hi"],
    "agent": ["a person please"],
    "support": ["support"],
    "bye": ["bye"],
    "yes": ["yes"],
}


def test_a_no_match_handler_without_a_target_hands_over(tmp_path: Path) -> None:
    """``sys.no-match-3`` that hands over without a target page: the fallback ends with a person,
    not a question asked for ever."""
    ask = {
        "entryFulfillment": say("What is your question?"),
        "transitionRoutes": [{"intent": "bye", "targetPage": "End Session"}],
        "eventHandlers": [
            {"event": "sys.no-match-1", "triggerFulfillment": say("Sorry?")},
            {"event": "sys.no-match-2", "triggerFulfillment": say("Once more?")},
            {
                "event": "sys.no-match-3",
                "triggerFulfillment": live_agent("I'm transferring you to a colleague."),
            },
            {"event": "sys.no-input-1", "triggerFulfillment": say("Are you there?")},
        ],
    }
    root = write_export(
        tmp_path / "agent",
        {"Start": welcome_to("Ask")},
        pages={"Start/Ask": ask},
        intents=INTENTS,
        agent={"startFlow": "Start"},
    )
    project, document, _ = imported(root)
    steps = steps_of(project)
    assert steps["Ask"]["fallback"] == {"retries": 2, "then": "Ask.sys.no-match-3"}
    assert steps["Ask.sys.no-match-3"] == {
        "id": "Ask.sys.no-match-3",
        "say": {"en": "I'm transferring you to a colleague."},
        "handoff": "live_agent",  # no target: the person is where it ends
    }
    # The integration makes the handoff and may pass a summary: the export cannot say.
    assert project.data["handoff"] == {"context": "undeclared"}
    page = root / "flows" / "Start" / "pages" / "Ask.json"
    loc = document.source_map.locate(("handoff",))
    assert (loc.file, loc.line) == ("agent/flows/Start/pages/Ask.json", line_of(page, "liveAgent"))
    report = audited(root)
    assert not {c for c, s in found(report, "CX03") if s == "Ask"} & {
        "fallback-loops",
        "fallback-no-human",
    }
    assert ("context-undeclared", None) in found(report, "CX04")
    assert status(report, "CX04") == "unknown"
    assert "no-human-anywhere" not in {c for c, _ in found(report, "CX02")}


def test_handoffs_in_form_prompts_reprompts_and_event_handlers(tmp_path: Path) -> None:
    """A form parameter's reprompt handler that hands over (no target), a prompt that hands
    over, and event handlers of the page and the flow that hand over."""
    form = {
        "form": {
            "parameters": [
                {
                    "displayName": "order_number",
                    "entityType": "@sys.number",
                    "required": True,
                    "fillBehavior": {
                        "initialPromptFulfillment": say("Which order?"),
                        "repromptEventHandlers": [
                            {"event": "sys.no-match-1", "triggerFulfillment": say("Which?")},
                            {
                                "event": "sys.no-match-2",
                                "triggerFulfillment": live_agent("A colleague will help you."),
                            },
                        ],
                    },
                },
                {
                    "displayName": "nothing",
                    "entityType": "@sys.any",
                    "required": True,
                    "fillBehavior": {"initialPromptFulfillment": live_agent("Let me connect you.")},
                },
            ]
        },
        "transitionRoutes": [
            {"condition": "$page.params.status = FINAL", "targetPage": "End Session"}
        ],
        "eventHandlers": [
            {"event": "sys.no-input-3", "triggerFulfillment": live_agent("Connecting you now.")}
        ],
    }
    flows = welcome_to("Order")
    flows["eventHandlers"] = [
        {"event": "webhook.error", "triggerFulfillment": live_agent("Connecting you now.")}
    ]
    root = write_export(
        tmp_path / "agent",
        {"Start": flows},
        pages={"Start/Order": form},
        intents=INTENTS,
        agent={"startFlow": "Start"},
    )
    project, _, _ = imported(root)
    steps = steps_of(project)
    assert steps["Order"]["fallback"] == {"retries": 1, "then": "Order.sys.no-match-2"}
    assert steps["Order.sys.no-match-2"]["handoff"] == "live_agent"
    assert steps["Order.nothing"]["handoff"] == "live_agent"  # its prompt hands over
    branches = {o["label"].get("x-event"): o["goto"] for o in steps["Order.nothing"]["options"]}
    assert steps[branches["sys.no-input-3"]]["handoff"] == "live_agent"
    assert steps[branches["webhook.error"]]["handoff"] == "live_agent"  # the flow's handler


def test_a_route_group_hands_over_on_every_page_that_uses_it(tmp_path: Path) -> None:
    """The agent's route groups and a flow's own: a flow's group wins in its flow."""
    menu = {
        "entryFulfillment": say("Anything else?"),
        "transitionRoutes": [{"intent": "bye", "targetPage": "End Session"}],
        "transitionRouteGroups": ["Common"],
        "eventHandlers": [{"event": "sys.no-match-default", "targetPage": "Menu"}],
    }
    root = write_export(
        tmp_path / "agent",
        {"Start": welcome_to("Menu", support="Support"), "Support": {}},
        pages={
            "Start/Menu": menu,
            "Support/Desk": {
                **menu,
                "entryFulfillment": say("Desk."),
                "eventHandlers": [{"event": "sys.no-match-default", "targetPage": "Desk"}],
            },
        },
        intents=INTENTS,
        agent={"startFlow": "Start"},
    )
    metadata = {"summary": "$session.params.summary", "reason": "$session.params.topic"}
    agent_group = {
        "displayName": "Common",
        "transitionRoutes": [
            {"intent": "agent", "triggerFulfillment": live_agent("Connecting you now.", metadata)}
        ],
    }
    flow_group = {
        "displayName": "Common",
        "transitionRoutes": [{"intent": "agent", "targetPage": "End Session"}],
    }
    (root / "transitionRouteGroups").mkdir()
    (root / "transitionRouteGroups" / "Common.json").write_text(json.dumps(agent_group, indent=2))
    (root / "flows" / "Support" / "transitionRouteGroups").mkdir()
    flow_file = root / "flows" / "Support" / "transitionRouteGroups" / "Common.json"
    flow_file.write_text(json.dumps(flow_group, indent=2))
    project, document, _ = imported(root)
    steps = steps_of(project)
    assert steps["Menu"]["on"]["agent"] == "Menu.agent"
    assert steps["Menu.agent"]["handoff"] == "live_agent"
    assert steps["Desk"]["on"]["agent"] == "END_SESSION"  # the flow's own group
    loc = document.source_map.locate(step_path(project, "Menu.agent", "handoff"))
    assert loc.file == "agent/transitionRouteGroups/Common.json"
    # The metadata says what the agent receives: the summary and the reason (the intent).
    assert project.data["handoff"] == {"context": ["summary", "intent"]}
    report = audited(root)
    assert not found(report, "CX04") & {("context-undeclared", None), ("no-context", None)}


def test_flow_routes_where_the_start_page_has_condition_routes(tmp_path: Path) -> None:
    """A flow's intent routes are in scope on its start page when no condition holds there,
    and on its pages that wait (a page with no routes of its own waits too)."""
    vip = {
        "transitionRoutes": [
            {"condition": "$session.params.vip = true", "targetPage": "VIP"},
            {
                "intent": "agent",
                "triggerFulfillment": {
                    "messages": [{"telephonyTransferCall": {"phoneNumber": "+31201234567"}}]
                },
            },
        ]
    }
    desk = {
        "transitionRoutes": [
            {"condition": "true", "targetPage": "Menu"},
            {"intent": "agent", "triggerFulfillment": live_agent("Connecting you.")},
        ]
    }
    root = write_export(
        tmp_path / "agent",
        {"Start": welcome_to("Hello", support="Support", bye="Desk"), "Support": vip, "Desk": desk},
        pages={
            "Start/Hello": ending({"entryFulfillment": say("Hello.")}),
            "Support/VIP": ending({"entryFulfillment": say("Welcome, VIP.")}),
            "Desk/Menu": {"entryFulfillment": say("What can I do for you?")},
        },
        intents=INTENTS,
        agent={"startFlow": "Start"},
    )
    project, _, _ = imported(root)
    steps = steps_of(project)
    start = steps["Support.start"]
    assert start["ask"] == "" and start["next"] == "VIP"
    assert steps[start["on"]["agent"]]["handoff"] == "telephony_transfer"
    # Where a condition always holds, the start page goes on at once; the page that waits
    # (no routes of its own) has the flow's routes.
    assert "on" not in steps["Desk.start"] and steps["Desk.start"]["next"] == "Menu"
    assert steps["Menu"]["ask"] == {"en": "What can I do for you?"}
    assert steps[steps["Menu"]["on"]["agent"]]["handoff"] == "live_agent"
    # A phone transfer passes nothing: whatever the live agent gets, CX04 fails the bot.
    assert project.data["handoff"] == {}
    assert ("no-context", None) in found(audited(root), "CX04")


def test_a_parameter_transfer_and_end_session(tmp_path: Path) -> None:
    """A preset the integration acts on (``transfer: true``, usually before End Session), and
    End Session right after a text that transfers, are handoffs; a reason alone is none."""
    hold = {
        "entryFulfillment": say("Please hold."),
        "transitionRoutes": [
            {
                "condition": "true",
                "triggerFulfillment": {
                    "setParameterActions": [{"parameter": "transfer", "value": True}]
                },
                "targetPage": "End Session",
            }
        ],
    }
    reason = {
        "entryFulfillment": say("Let me see."),
        "transitionRoutes": [
            {
                "condition": "true",
                "triggerFulfillment": {
                    "setParameterActions": [{"parameter": "transfer_reason", "value": "agent"}]
                },
                "targetPage": "Menu",
            }
        ],
    }
    menu = {
        "entryFulfillment": say("Anything else?"),
        "transitionRoutes": [
            {"intent": "agent", "targetPage": "Hold"},
            {"intent": "yes", "targetPage": "Goodbye"},
            {"intent": "bye", "targetPage": "Reason"},
        ],
        "eventHandlers": [{"event": "sys.no-match-default", "targetPage": "Hold"}],
    }
    goodbye = ending({"entryFulfillment": say("I'm transferring you to a colleague now.")})
    root = write_export(
        tmp_path / "agent",
        {"Start": welcome_to("Menu")},
        pages={
            "Start/Hold": hold,
            "Start/Reason": reason,
            "Start/Menu": menu,
            "Start/Goodbye": goodbye,
        },
        intents=INTENTS,
        agent={"startFlow": "Start"},
    )
    project, document, _ = imported(root)
    steps = steps_of(project)
    transfer = steps[steps["Hold"]["next"]]
    assert transfer["handoff"] == "integration_transfer" and transfer["next"] == "END_SESSION"
    loc = document.source_map.locate(step_path(project, transfer["id"], "handoff"))
    page = root / "flows" / "Start" / "pages" / "Hold.json"
    assert (loc.file, loc.line) == ("agent/flows/Start/pages/Hold.json", line_of(page, "transfer"))
    assert steps["Goodbye"]["handoff"] == "integration_transfer"  # said, then the session ends
    assert steps["Reason"]["next"] == "Menu" and "handoff" not in steps["Reason"]
    assert project.data["humans"][0] == {"id": "integration_transfer", "channel": "live_chat"}
    assert project.data["handoff"] == {"context": "undeclared"}
    assert not [n for n in project.notes if n.check == "says-transfer-without-handoff"]
    report = audited(root)
    assert "no-human-anywhere" not in {c for c, _ in found(report, "CX02")}
    assert ("context-undeclared", None) in found(report, "CX04")


@pytest.mark.parametrize(
    ("metadata", "context"),
    [
        (None, "undeclared"),
        ({}, "undeclared"),
        ({"queue": "billing"}, "undeclared"),  # names nothing the agent receives
        ({"conversation_summary": "$request.generative.summary"}, ["summary"]),
        (
            {"transcript": True, "account": "$session.params.account"},
            ["transcript", "collected_data"],
        ),
    ],
)
def test_what_a_live_agent_handoff_passes(
    tmp_path: Path, metadata: Any, context: list[str] | str
) -> None:
    page = {"entryFulfillment": live_agent("I'm connecting you to a colleague.", metadata)}
    root = write_export(
        tmp_path / "agent",
        {"Start": welcome_to("Human")},
        pages={"Start/Human": page},
        intents=INTENTS,
        agent={"startFlow": "Start"},
    )
    project, _, _ = imported(root)
    assert steps_of(project)["Human"]["handoff"] == "live_agent"
    assert project.data["handoff"] == {"context": context}
    report = audited(root)
    cx04 = {c for c, _ in found(report, "CX04")}
    if context == "undeclared":
        assert "context-undeclared" in cx04 and status(report, "CX04") == "unknown"
    else:
        assert not cx04 & {"context-undeclared", "no-context"}


def test_agreements_by_webhook_and_by_text(tmp_path: Path) -> None:
    """A webhook named for a payment makes one, whose written confirmation a back end may send
    (unknown); its success text is its report. A text alone that reports an agreement made
    marks its page; a webhook that reads makes none."""
    pay = {
        "entryFulfillment": {"webhook": "payments", "tag": "processPayment"},
        "transitionRoutes": [{"condition": "true", "targetPage": "Paid"}],
    }
    balance = ending({"entryFulfillment": {"webhook": "payments", "tag": "getBalance"}})
    menu = {
        "entryFulfillment": say("Shall I pay your bill?"),
        "transitionRoutes": [
            {"intent": "yes", "targetPage": "Pay"},
            {"intent": "bye", "targetPage": "Balance"},
            {"intent": "support", "targetFlow": "Booking"},
        ],
        "eventHandlers": [{"event": "sys.no-match-default", "targetPage": "Menu"}],
    }
    root = write_export(
        tmp_path / "agent",
        {
            "Start": welcome_to("Menu"),
            "Booking": {"transitionRoutes": [{"condition": "true", "targetPage": "Booked"}]},
        },
        pages={
            "Start/Menu": menu,
            "Start/Pay": pay,
            "Start/Paid": ending({"entryFulfillment": say("Your payment has been processed.")}),
            "Start/Balance": balance,
            "Booking/Booked": ending(
                {"entryFulfillment": say("Your appointment has been booked for Monday.")}
            ),
        },
        intents=INTENTS,
        agent={"startFlow": "Start"},
    )
    project, document, _ = imported(root)
    steps = steps_of(project)
    assert steps["Pay"]["agreement"] == "payment"
    assert steps["Pay"]["confirm"] == {"channel": "undeclared"}
    assert steps["Pay"]["action"] == "payments processPayment"
    assert "agreement" not in steps["Paid"] and "agreement" not in steps["Balance"]
    assert steps["Booked"]["agreement"] == "appointment" and "confirm" not in steps["Booked"]
    page = root / "flows" / "Booking" / "pages" / "Booked.json"
    loc = document.source_map.locate(step_path(project, "Booked", "agreement"))
    assert loc.line == line_of(page, "has been booked")
    report = audited(root)
    cx08 = found(report, "CX08")
    assert ("confirmation-undeclared", "Pay") in cx08 and ("no-confirmation", "Pay") not in cx08
    assert ("no-confirmation", "Booked") in cx08


# -- the corpus, as the reviewers read it -------------------------------------------------------

GRAFFITI = SHARED / "corpus" / "GoogleCloudPlatform__contact-center-ai-samples"
GRAFFITI = GRAFFITI / "goodbye-graffiti-agent" / "agent"


@needs_shared("corpus", "GoogleCloudPlatform__contact-center-ai-samples")
def test_graffiti_escalates_only_in_its_address_sub_flow() -> None:
    project, document, _ = imported(GRAFFITI, "graffiti")
    flows = {f["id"]: {s["id"]: s for s in f["steps"]} for f in project.data["flows"]}
    handoffs = {
        (flow, sid) for flow, steps in flows.items() for sid, s in steps.items() if "handoff" in s
    }
    assert handoffs == {("Address_Collection", "end_escalation")}
    escalate = "prebuilt_components_escalate_human_agent"
    asking = sorted(
        sid for sid, s in flows["Address_Collection"].items() if escalate in s.get("on", {})
    )
    assert len(asking) == 6  # "I want to speak to an agent" on six of its pages
    assert all(
        flows["Address_Collection"][sid]["on"][escalate] == "end_escalation" for sid in asking
    )
    step = flows["Address_Collection"]["end_escalation"]
    assert step["say"] == {
        "en": "Please hold while I transfer you to someone to better assist you."
    }
    assert step["handoff"] == "human_escalation"
    # The escalation clears the address it collected: nothing passes (the reviewers' fail).
    assert project.data["handoff"] == {}
    loc = document.source_map.locate(("handoff",))
    page = GRAFFITI / "flows" / "Address Collection" / "pages" / "end escalation.json"
    assert (loc.file, loc.line) == (
        "graffiti/flows/Address Collection/pages/end escalation.json",
        line_of(page, "END_FLOW_WITH_HUMAN_ESCALATION"),
    )
    report = audited(GRAFFITI, "graffiti")
    assert not {c for c, _ in found(report, "CX02")} & {"no-human-anywhere"}
    assert status(report, "CX02") == "fail"  # the main flow reaches no person
    assert ("no-context", None) in found(report, "CX04")


def test_a_generated_welcome_is_the_generator_prompt(tmp_path: Path) -> None:
    """A fulfillment whose text is a generator's output: the step's `generate` (the model writes
    the message only, no turn of its own) holds the generator's prompt, placed in its file, and
    CX01 reads the prompt: told to say it is a bot, a warning; not told, the error."""
    welcome = {
        "messages": [{"text": {"text": ["$request.generative.welcome"]}, "languageCode": "en"}],
        "generators": [
            {
                "generator": "projects/p/locations/global/agents/a/generators/gen-1",
                "outputParameter": "$request.generative.welcome",
            }
        ],
    }
    flows = {
        "Default Start Flow": {
            "transitionRoutes": [
                {"intent": "Default Welcome Intent", "triggerFulfillment": welcome},
                {"intent": "bye", "targetPage": "End Session"},
            ]
        }
    }

    def export(prompt: str, name: str) -> Path:
        root = write_export(
            tmp_path / name, flows, intents={"Default Welcome Intent": ["hi"], "bye": ["bye"]}
        )
        folder = root / "generators" / "Welcome Generator"
        (folder / "phrases").mkdir(parents=True)
        (folder / "Welcome Generator.json").write_text(
            json.dumps({"name": "gen-1", "displayName": "Welcome Generator"}), encoding="utf-8"
        )
        phrases = {"promptTexts": [{"text": prompt, "languageCode": "en"}]}
        (folder / "phrases" / "en.json").write_text(json.dumps(phrases, indent=2), encoding="utf-8")
        return root

    told = export("You are the virtual assistant of Example. Greet the user.", "told")
    project, document, _ = imported(told, "told")
    (step,) = [s for s in steps_of(project).values() if "generate" in s]
    assert step["generate"] == {
        "prompt": {"en": "You are the virtual assistant of Example. Greet the user."},
        "turn": False,
    }
    loc = document.source_map.locate(step_path(project, step["id"], "generate"))
    assert loc.file == "told/flows/Default Start Flow/Default Start Flow.json"
    assert [n.check for n in project.notes].count("generated-text") == 1
    report = audit_files([(told, "told")], Settings(language="en", discover_config=False))
    cx01 = [
        (f.check, f.path.rsplit("/", 3)[-3:]) for f in report.files[0].findings if f.rule == "CX01"
    ]
    assert cx01 == [("first-message-generated", ["Welcome Generator", "phrases", "en.json"])]
    silent = export("Greet the user warmly and ask how you can help.", "silent")
    report = audit_files([(silent, "silent")], Settings(language="en", discover_config=False))
    assert [f.check for f in report.files[0].findings if f.rule == "CX01"] == ["first-message"]


def test_a_page_with_escaped_emoji_is_read_and_a_duplicate_key_is_an_error(tmp_path: Path) -> None:
    """No silent loss: JSON's surrogate-pair escapes are decoded (the page's text is checked),
    and a page with a key given twice is an input error naming the key, never skipped."""
    flows = {
        "Default Start Flow": {
            "transitionRoutes": [
                {"intent": "Default Welcome Intent", "targetPage": "Hello"},
            ]
        }
    }
    page = (
        '{"displayName": "Hello", "entryFulfillment": {"messages": [{"text": {"text": '
        '["Hi \\ud83d\\ude00! I understand how you feel."]}, "languageCode": "en"}]}}'
    )
    root = write_export(
        tmp_path / "emoji",
        flows,
        pages={"Default Start Flow/Hello": page},
        intents={"Default Welcome Intent": ["hi"]},
    )
    project, _, _ = imported(root, "emoji")
    assert steps_of(project)["Hello"]["ask"]["en"].startswith("Hi \U0001f600!")
    assert not [n for n in project.notes if n.check == "unreadable-file"]
    report = audit_files([(root, "emoji")], Settings(language="en", discover_config=False))
    assert any(f.rule == "CX10" for f in report.files[0].findings)
    twice = page.replace('{"displayName": "Hello",', '{"displayName": "Hello", "displayName": "X",')
    root = write_export(
        tmp_path / "twice",
        flows,
        pages={"Default Start Flow/Hello": twice},
        intents={"Default Welcome Intent": ["hi"]},
    )
    report = audit_files([(root, "twice")], Settings(language="en", discover_config=False))
    (error,) = report.errors
    assert error.path == "twice/flows/Default Start Flow/pages/Hello.json"
    assert "duplicate key 'displayName'" in error.message and error.line == 1
