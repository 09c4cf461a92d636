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
from cxaudit.checks.base import Context
from cxaudit.config import Overrides, resolve
from cxaudit.diagnostics import InputError
from cxaudit.graph import FlowGraph
from cxaudit.importers import load_project
from cxaudit.importers.base import Project
from cxaudit.importers.dialogflow_cx import category_of
from cxaudit.loader import Document
from cxaudit.model import Bot
from cxaudit.model import build as build_bot
from cxaudit.schema import validate
from tests.conftest import SHARED

CCAI = SHARED / "corpus" / "Wiikay__CCAI"
needs_corpus = pytest.mark.skipif(not CCAI.is_dir(), reason="the shared corpus is not here")


# -- helpers -----------------------------------------------------------------------------------


def write_export(
    root: Path,
    flows: dict[str, dict[str, Any]],
    *,
    pages: dict[str, Any] | None = None,
    intents: dict[str, list[str]] | None = None,
    agent: dict[str, Any] | None = None,
    playbooks: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """A Dialogflow CX export folder: flows by name, pages as ``"Flow/Page"``, intents by name
    with English training phrases; a page value that is a ``str`` is written as it is."""
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
    return root


def say(*texts: str) -> dict[str, Any]:
    return {"messages": [{"text": {"text": list(texts)}, "languageCode": "en"}]}


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
    assert ("no-way-to-human", "check_Issue") in cx02  # technical support never hands off
    assert ("no-global-human", "intents") in cx02
    cx04 = {(check, step) for check, step, _ in result["CX04"]}
    assert ("no-announcement", "Agent_Handoff.start.route1") in cx04
    assert ("no-announcement", "Make_A_Payment.end_escalation") not in cx04
    cx08 = {(check, step) for check, step, _ in result["CX08"]}
    assert ("no-confirmation", "process_debit_card_payment_API") in cx08
    path = step_path(project, "explain_Bill")
    loc = document.source_map.locate(path)
    assert loc.file == "CCAI/flows/Billing/pages/explain Bill.json"
    notes = {(n.check, n.params.get("name")) for n in project.notes}
    assert ("generated-text", "Telecom geet") in notes
    unsupported = [n for n in project.notes if n.check == "unsupported"]
    assert [n.params["what"] for n in unsupported] == ["a 'payload' message"]
    assert unsupported[0].location is not None
    assert unsupported[0].location.file == "CCAI/flows/Technical_Support/pages/check Issue.json"
    sections = {n.params.get("section") for n in project.notes if n.check == "not-in-export"}
    assert {"humans[].hours and humans[].expected_wait", "privacy.policy_url"} <= sections


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
    root = minimal(tmp_path, **{"Start/Audio": {"entryFulfillment": entry}})
    project, _, _ = imported(root)
    (note,) = [n for n in project.notes if n.check == "unsupported"]
    assert note.params["what"] == "a 'playAudio' message"
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
    assert ("generated-text", "Helper") in {(n.check, n.params.get("name")) for n in project.notes}


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


@pytest.mark.parametrize(
    ("name", "entity", "category"),
    [
        ("phone_no", "@sys.phone-number", "contact"),
        ("$flow.channel", "@prebuilt_components_channel_email_mobile", None),
        ("cvv_code", "@sys.number-sequence", "financial"),
        ("day", "@prebuilt_components_dob_collection_dob_day", "identifier"),
        ("passport_number", "@sys.any", "government_id"),
        ("payment_mode", "@prebuilt_components_make_a_payment_payment_mode", None),
    ],
)
def test_data_category_from_parameter_and_entity_type(
    name: str, entity: str, category: str | None
) -> None:
    assert category_of(name.removeprefix("$flow."), entity) == category
