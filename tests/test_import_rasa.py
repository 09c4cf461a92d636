"""The Rasa importer on the two real corpus projects (read in place, never copied) and on small
projects written here: what a careful reader of the files would conclude, and where it is."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cxaudit.checks import REGISTRY
from cxaudit.checks.base import Context, Issue
from cxaudit.diagnostics import InputError
from cxaudit.engine import Settings, effective_settings
from cxaudit.graph import FlowGraph
from cxaudit.importers import load_project
from cxaudit.importers.base import Project
from cxaudit.importers.rasa_buttons import meets
from cxaudit.locations import Location
from cxaudit.model import Bot
from cxaudit.model import build as build_bot
from cxaudit.schema import validate
from tests.conftest import SHARED, needs_shared

FINANCIAL = SHARED / "corpus" / "RasaHQ__financial-demo"
BANKING = SHARED / "corpus" / "rasa-customers__starterpack-retail-banking-en"

needs_corpus = needs_shared("corpus")


@cache
def imported(path: Path, display: str) -> tuple[Project, Bot]:
    project = load_project(path, display)
    document = project.document()
    assert validate(document, "flow.schema.json") == []
    return project, build_bot(document)


def findings(project: Project, bot: Bot) -> list[tuple[str, Issue, Location]]:
    """Every rule's findings, run as the engine runs them."""
    effective = effective_settings(project.root, bot.sector, Settings(discover_config=False))
    context = Context(bot, FlowGraph(bot), strict=effective.strict)
    source_map = project.document().source_map
    return [
        (rule, issue, source_map.locate(issue.path))
        for rule, run in REGISTRY.items()
        for issue in run(context, effective.rules[rule].option_values()).issues
    ]


def steps(project: Project) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for f in project.data["flows"] for s in f["steps"]}


def flow(project: Project, flow_id: str) -> list[dict[str, Any]]:
    return next(f["steps"] for f in project.data["flows"] if f["id"] == flow_id)


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """The 1-based line of the first line containing ``needle`` (after the line with ``after``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def where(project: Project, *path: Any) -> tuple[str, int]:
    location = project.document().source_map.locate(path)
    return location.file or "", location.line


def step_path(project: Project, step_id: str) -> tuple[Any, ...]:
    for f, item in enumerate(project.data["flows"]):
        for s, step in enumerate(item["steps"]):
            if step["id"] == step_id:
                return ("flows", f, "steps", s)
    raise AssertionError(step_id)


def walk(project: Project, start: str) -> Iterator[str]:
    """Step ids along `next` from ``start`` (flow ids taken as their first step)."""
    by_id = steps(project)
    firsts = {f["id"]: f["steps"][0]["id"] for f in project.data["flows"]}
    current: str | None = start
    seen: set[str] = set()
    while current is not None and current not in seen:
        current = firsts.get(current, current)
        seen.add(current)
        yield current
        current = by_id[current].get("next")


# -- RasaHQ/financial-demo (Rasa 3) ------------------------------------------------------------


@needs_corpus
class TestFinancialDemo:
    @pytest.fixture
    def fd(self) -> tuple[Project, Bot]:
        return imported(FINANCIAL, "financial-demo")

    def test_first_words_are_the_greeting_in_english(self, fd: tuple[Project, Bot]) -> None:
        project, bot = fd
        assert bot.languages == ("en",)  # config.yml: language: en
        assert bot.start == "utter_greet"  # the customer greets; the bot answers
        by_id = steps(project)
        assert by_id["utter_greet"]["ask"] == {"en": "Hi! I'm your Financial Assistant!"}
        assert by_id["utter_greet"]["next"] == "utter_help"  # rule "greet": two responses
        assert where(project, *step_path(project, "utter_greet"), "ask", "en") == (
            "financial-demo/domain.yml",
            line_of(FINANCIAL / "domain.yml", "Hi! I'm your Financial Assistant!"),
        )
        # Asked whether it is a bot, it says so (rule "Confirm that the bot is not a human").
        assert by_id["utter_bot"]["ask"]["en"] == "I'm a virtual assistant made with Rasa."
        assert {"id": "check_human", "goto": "utter_bot", "global": True}.items() <= (
            next(i for i in project.data["intents"] if i["id"] == "check_human").items()
        )

    def test_nothing_hands_off_to_a_person(self, fd: tuple[Project, Bot]) -> None:
        project, bot = fd
        # action_handoff sends the customer to another bot (actions/handoff_config.yml lists
        # the "Helpdesk Assistant"); no step transfers to a human and no humans are declared.
        assert not any(step.handoff for step in bot.steps)
        assert bot.humans == ()
        by_id = steps(project)
        assert by_id["action_handoff"] == {
            "id": "action_handoff",
            "action": "action_handoff",
            "end": True,
        }
        # The way there: human_handoff -> announcement -> the bot choice -> action_handoff.
        human = next(i for i in project.data["intents"] if i["id"] == "human_handoff")
        assert human["global"] is True and human["goto"] == "utter_ask_handoff"
        assert "talk to human" in human["examples"]["en"]
        assert by_id["utter_ask_handoff"]["next"] == "action_handoff_options"
        assert by_id["action_handoff_options"]["on"] == {
            "trigger_handoff": "action_handoff",
            "deny": "utter_ask_whatelse",
        }
        assert bot.steps[bot.step_index["action_handoff_options"]].is_turn  # the customer picks

    def test_ways_that_code_decides_are_all_kept(self, fd: tuple[Project, Bot]) -> None:
        """After a form switch is denied, the stories go back to whichever form was open: the
        slots decide, so every way is an option without words (no text rule reads them)."""
        project, _ = fd
        deny = steps(project)["action_switch_forms_deny"]
        assert "next" not in deny
        assert sorted(o["goto"] for o in deny["options"]) == [
            "cc_payment_form",
            "transaction_search_form",
            "transfer_money_form",
        ]
        assert {tuple(o["label"]) for o in deny["options"]} == {("x-if",)}

    def test_transfer_promises_are_reported(self, fd: tuple[Project, Bot]) -> None:
        project, _ = fd
        notes = {
            n.params["name"]: n for n in project.notes if n.check == "says-transfer-without-handoff"
        }
        assert set(notes) == {
            "utter_ask_handoff",  # "It looks like you want to be transferred to a human agent."
            "utter_handoff",  # "Alright, I'll try to transfer you." (sent by action_handoff)
            "utter_wouldve_handed_off",
        }
        assert all(n.rule == "CX02" for n in notes.values())
        # The only handoff host is a bot: its own note, at the host in the skill's configuration.
        (bot_host,) = [n for n in project.notes if n.check == "hands-off-to-a-bot"]
        assert (bot_host.rule, bot_host.params["host"]) == ("CX02", "helpdesk_assistant")
        location = notes["utter_ask_handoff"].location
        assert location is not None
        assert (location.file, location.line) == (
            "financial-demo/domain.yml",
            line_of(FINANCIAL / "domain.yml", "transferred to a human agent"),
        )
        host = bot_host.location
        assert host is not None and host.file == "financial-demo/actions/handoff_config.yml"
        # A money transfer is no promise of a person ("Successfully transferred {currency}...").
        assert "utter_transfer_complete" not in notes

    def test_fallback_asks_to_rephrase_forever(self, fd: tuple[Project, Bot]) -> None:
        project, bot = fd
        assert project.data["escalation"] == {"fallback": "utter_default"}
        assert where(project, "escalation", "fallback") == (
            "financial-demo/data/rules/rules.yml",
            line_of(FINANCIAL / "data/rules/rules.yml", "action: utter_default"),
        )
        assert not any(
            i["id"] == "nlu_fallback" and i.get("global") for i in project.data["intents"]
        )
        found = findings(project, bot)
        loops = {
            i.subject for rule, i, _ in found if rule == "CX03" and i.check == "fallback-loops"
        }
        assert {"utter_default", "utter_help", "utter_ask_transfer_money_form_PERSON"} <= loops

    def test_forms_collect_personal_data(self, fd: tuple[Project, Bot]) -> None:
        project, bot = fd
        cc = flow(project, "cc_payment_form")
        assert [s["id"] for s in cc] == [
            "utter_ask_cc_payment_form_AA_CONTINUE_FORM",
            "utter_ask_cc_payment_form_credit_card",
            "utter_ask_cc_payment_form_amount-of-money",
            "utter_ask_cc_payment_form_time",
            "utter_ask_cc_payment_form_zz_confirm_form",
            "cc_payment_form_cancelled",
        ]
        assert [s.get("collect") for s in cc] == [
            None,
            "credit_card",
            "amount-of-money",
            None,
            None,
            None,
        ]
        # The summary question's buttons: Yes submits the form (rule "Submit cc_payment_form ..."),
        # "No, cancel the transaction" stops it (in the form's code; cxaudit takes the title).
        confirm = cc[-2]
        assert confirm["ask"]["en"].startswith("Would you like to schedule a payment of")
        assert confirm["options"] == [
            {"label": {"en": "Yes"}, "goto": "action_pay_cc"},
            {"label": {"en": "No, cancel the transaction"}, "goto": "cc_payment_form_cancelled"},
        ]
        assert "next" not in confirm and cc[-1] == {
            "id": "cc_payment_form_cancelled",
            "end": True,
            "x-rasa": cc[-1]["x-rasa"],
        }
        domain = FINANCIAL / "domain.yml"
        assert where(project, *step_path(project, confirm["id"]), "options", 1, "label") == (
            "financial-demo/domain.yml",
            line_of(
                domain, "title: No, cancel the transaction", after="utter_ask_cc_payment_form_zz"
            ),
        )
        checks = {(rule, i.check, i.subject) for rule, i, _ in findings(project, bot)}
        assert ("CX08", "no-question", "action_pay_cc") not in checks
        assert steps(project)["action_pay_cc"]["agreement"] == "payment"
        person = steps(project)["utter_ask_transfer_money_form_PERSON"]
        assert person["collect"] == "PERSON"
        assert person["ask"] == {"en": "Who do you want to transfer money to?"}
        # The zz_confirm_form question of the search form is a custom action: a turn without words.
        search = flow(project, "transaction_search_form")
        assert search[-2]["id"] == "action_ask_transaction_search_form_zz_confirm_form"
        assert search[-2]["ask"] == {"x-rasa": "the question is sent by code cxaudit cannot read"}
        # Undeclared on purpose: CX09 reports each field until the overlay declares a basis.
        assert project.data["privacy"] == {
            "data": [
                {"field": "PERSON", "category": "identifier", "basis": "undeclared"},
                {"field": "amount-of-money", "category": "financial", "basis": "undeclared"},
                {"field": "credit_card", "category": "financial", "basis": "undeclared"},
            ]
        }
        undeclared = [
            (i.subject, loc.file, loc.line)
            for rule, i, loc in findings(project, bot)
            if rule == "CX09" and i.check == "basis-undeclared"
        ]
        domain = FINANCIAL / "domain.yml"
        assert undeclared == [
            ("PERSON", "financial-demo/domain.yml", line_of(domain, "  PERSON:")),
            ("amount-of-money", "financial-demo/domain.yml", line_of(domain, "  amount-of-money:")),
            ("credit_card", "financial-demo/domain.yml", line_of(domain, "  credit_card:")),
        ]

    def test_switching_forms_loops_back(self, fd: tuple[Project, Bot]) -> None:
        project, bot = fd
        by_id = steps(project)
        # Mid-form, another request asks whether to switch; after the other form, the bot offers
        # to go back: a loop between the forms that the customer steers.
        assert by_id["utter_ask_cc_payment_form_credit_card"]["on"]["transfer_money"] == (
            "action_switch_forms_ask"
        )
        assert by_id["action_switch_back_ask"]["on"] == {
            "deny": "utter_ask_whatelse",
            "affirm": "cc_payment_form",
        }
        assert by_id["action_pay_cc"]["next"] == "action_switch_back_ask"
        graph = FlowGraph(bot)
        cc = bot.step_index["utter_ask_cc_payment_form_credit_card"]
        assert any(cc in component for component in graph.cyclic_components(range(len(bot.steps))))

    def test_steps_point_at_their_rule(self, fd: tuple[Project, Bot]) -> None:
        project, _ = fd
        rules = FINANCIAL / "data/rules/rules.yml"
        assert where(project, *step_path(project, "utter_bot")) == (
            "financial-demo/data/rules/rules.yml",
            line_of(rules, "action: utter_bot"),
        )
        stories = FINANCIAL / "data/stories/stories.yml"
        assert where(project, *step_path(project, "utter_help"), "on", "affirm") == (
            "financial-demo/data/stories/stories.yml",
            line_of(stories, "intent: affirm"),
        )

    def test_same_input_same_output(self, fd: tuple[Project, Bot]) -> None:
        again = load_project(FINANCIAL, "financial-demo")
        assert again.data == fd[0].data
        assert again.notes == fd[0].notes

    def test_rules_findings(self, fd: tuple[Project, Bot]) -> None:
        project, bot = fd
        checks = {(rule, i.check) for rule, i, _ in findings(project, bot)}
        assert ("CX02", "no-human-anywhere") in checks  # "talk to human" leads to a bot
        assert ("CX05", "no-humans") in checks
        assert ("CX07", "no-upset-route") in checks
        assert ("CX09", "no-policy") in checks
        assert ("CX01", "first-message") in checks  # "Financial Assistant" is no disclosure
        kinds = {(n.check, n.rule) for n in project.notes}
        assert ("missing-team", "CX05") in kinds  # the only handoff host is a bot
        assert ("missing-written-confirmation", "CX08") in kinds  # by a back end?
        assert ("custom-code", None) in kinds  # custom actions are code


# -- rasa-customers/starterpack-retail-banking-en (Rasa Pro CALM) ------------------------------


@needs_corpus
class TestRetailBanking:
    @pytest.fixture
    def rb(self) -> tuple[Project, Bot]:
        return imported(BANKING, "retail-banking")

    def test_kind_and_start(self, rb: tuple[Project, Bot]) -> None:
        project, bot = rb
        assert project.kind == "rasa-calm"
        assert bot.start == "pattern_session_start"
        first = flow(project, "pattern_session_start")[0]
        assert first["id"] == "utter_greeting"
        assert first["say"]["en"].startswith("Hello! I'm Rasano, your helpful banking assistant.")
        generated = {n.params["name"] for n in project.notes if n.check == "generated-text"}
        assert {"utter_greeting", "utter_help", "utter_block_card_understand"} <= generated
        assert "utter_transferring_to_human" not in generated  # no rephrase metadata
        note = next(n for n in project.notes if n.params.get("name") == "utter_greeting")
        assert note.location is not None
        assert note.location.file == "retail-banking/domain/general/welcome.yml"

    def test_buttons_are_the_choices_their_slot_values_lead_to(
        self, rb: tuple[Project, Bot]
    ) -> None:
        project, _ = rb
        by_id = steps(project)
        # /SetSlots(confirm_human_handoff=Yes) meets `slots.confirm_human_handoff is "Yes"`.
        assert by_id["confirm_human_handoff"]["options"] == [
            {"label": {"en": "Yes"}, "goto": "action_human_handoff"},
            {"label": {"en": "No"}, "goto": "utter_human_handoff_cancelled"},
        ]
        # Several values share a branch; a value no condition names takes the else branch.
        reasons = {o["label"].get("en"): o["goto"] for o in by_id["reason_for_blocking"]["options"]}
        assert reasons["I lost my card"] == reasons["I suspect fraud on my account"]
        assert reasons["My card is damaged"] == "acknowledge_reason_damaged_expired"
        assert reasons[None] == "contact_support"  # `else`, which no button names
        domain = BANKING / "domain/cards/block_card.yml"
        assert where(
            project, *step_path(project, "reason_for_blocking"), "options", 2, "label"
        ) == ("retail-banking/domain/cards/block_card.yml", line_of(domain, "I suspect fraud"))

    def test_one_real_handoff_after_a_confirmation(self, rb: tuple[Project, Bot]) -> None:
        project, bot = rb
        handoffs = [s.id for s in bot.steps if s.handoff]
        assert handoffs == ["action_human_handoff"]
        step = steps(project)["action_human_handoff"]
        # The announcement before it is the handoff's message (typo and all).
        assert step["say"] == {"en": "You will be transfered to a human agent in a few moments."}
        assert step["handoff"] == "action_human_handoff"
        # The one live target, and the support line the bot itself gives ("020 7777 7777").
        assert project.data["humans"] == [
            {"id": "action_human_handoff", "channel": "live_chat"},
            {"id": "phone_in_text", "channel": "phone"},
        ]
        assert where(project, "humans", 1) == (
            "retail-banking/domain/cards/block_card.yml",
            line_of(BANKING / "domain/cards/block_card.yml", "020 7777 7777"),
        )
        assert where(project, *step_path(project, "action_human_handoff"), "say", "en") == (
            "retail-banking/domain/human_handoff.yml",
            line_of(BANKING / "domain/human_handoff.yml", "transfered to a human agent"),
        )
        ask = steps(project)["confirm_human_handoff"]
        assert ask["ask"] == {"en": "Do you want to be connected to a human agent?"}
        assert [o["goto"] for o in ask["options"]] == [
            "action_human_handoff",
            "utter_human_handoff_cancelled",
        ]
        intent = next(i for i in project.data["intents"] if i["id"] == "human_handoff")
        assert intent["global"] and intent["goto"] == "human_handoff"
        assert not [n for n in project.notes if n.check == "says-transfer-without-handoff"]
        # Rasa's own pattern_human_handoff is not overridden: it tells the customer "no".
        default = flow(project, "pattern_human_handoff")[0]
        assert "cannot help you" in default["say"]["en"] and "handoff" not in default
        assert bot.human("action_human_handoff") is not None
        graph = FlowGraph(bot)
        assert graph.turns_to_handoff[bot.step_index["confirm_human_handoff"]] == 1

    def test_guarded_flows_cannot_be_started(self, rb: tuple[Project, Bot]) -> None:
        project, bot = rb
        global_ids = {i["id"] for i in project.data["intents"] if i.get("global")}
        assert {"check_balance", "block_card", "transfer_money", "add_payee"} <= global_ids
        assert not {"select_card", "remove_payee", "leave_feedback"} & global_ids  # if: False
        graph = FlowGraph(bot)
        unreachable = {s.id for i, s in enumerate(bot.steps) if not graph.reachable[i]}
        # Nothing calls or links remove_payee: its steps are dead.
        assert {"action_remove_payee", "utter_payee_removed_success"} <= unreachable
        assert "select_card" not in unreachable and "card" not in unreachable  # called

    def test_payment_date_loop_and_call_return(self, rb: tuple[Project, Bot]) -> None:
        project, _ = rb
        by_id = steps(project)
        validate_date = by_id["action_validate_payment_date"]
        assert [o["goto"] for o in validate_date["options"]] == [
            "confirm_future_payment",
            "utter_past_payment_date",
        ]
        assert "agreement" not in validate_date  # it checks a date, it agrees nothing
        assert list(walk(project, "utter_past_payment_date"))[:3] == [
            "utter_past_payment_date",
            by_id["utter_past_payment_date"]["next"],
            "get_payment_date",
        ]
        # add_payee is called from transfer_money and returns to get_transfer_amount.
        success = by_id["utter_payee_added_success"]
        assert success["next"] == "get_transfer_amount" and success["end"] is True
        assert by_id["call_add_payee"]["next"] == "add_payee"

    def test_personal_data(self, rb: tuple[Project, Bot]) -> None:
        project, bot = rb
        collected = {s.collect for s in bot.steps if s.collect}
        assert collected == {
            "account",
            "card",
            "account_number",
            "account_from",
            "payee_name",
            "amount",
            "payment_date",
        }
        by_id = steps(project)
        assert "collect" not in by_id["reason_for_blocking"]  # a categorical choice
        assert "collect" not in by_id["confirm_issue_new_card"]  # a yes/no
        categories = {d["field"]: d["category"] for d in project.data["privacy"]["data"]}
        assert {d["basis"] for d in project.data["privacy"]["data"]} == {"undeclared"}
        assert categories["payee_name"] == "identifier" and categories["card"] == "financial"
        # The three flows that ask for a payee name keep apart, with their own places.
        assert {"payee_name", "payee_name-2", "payee_name-3"} <= set(by_id)
        assert where(project, *step_path(project, "payee_name-3"), "collect") == (
            "retail-banking/data/transfers/transfer_money.yml",
            line_of(BANKING / "data/transfers/transfer_money.yml", "collect: payee_name"),
        )

    def test_fallback_never_reaches_a_person(self, rb: tuple[Project, Bot]) -> None:
        project, bot = rb
        assert project.data["escalation"] == {"fallback": "pattern_cannot_handle"}
        assert flow(project, "pattern_cannot_handle")[0]["say"] == {
            "en": "I'm sorry, I'm not able to assist with that."
        }
        checks = {(rule, i.check, i.subject) for rule, i, _ in findings(project, bot)}
        assert ("CX03", "fallback-no-human", "confirm_human_handoff") in checks
        assert ("CX04", "no-context", "handoff.context") in checks
        assert ("CX08", "no-confirmation", "action_schedule_payment") in checks
        assert (
            "CX08",
            "no-question",
            "action_schedule_payment",
        ) not in checks  # "Is this correct?"

    def test_block_card_locations(self, rb: tuple[Project, Bot]) -> None:
        project, _ = rb
        block = BANKING / "data/cards/block_card.yml"
        assert where(project, *step_path(project, "confirm_issue_new_card")) == (
            "retail-banking/data/cards/block_card.yml",
            line_of(block, 'id: "confirm_issue_new_card"'),
        )
        card_blocked = steps(project)["card_blocked"]
        # Conditional response variants are all texts the customer may see.
        assert card_blocked["say"]["en"].splitlines() == [
            "Since you have reported {reason_for_blocking}, we will block your card",
            "Since you are {reason_for_blocking}, we will temporarily block your card.",
            "We will block your card.",
        ]
        assert card_blocked["x-response"] == "utter_card_blocked"


# -- small projects written here ---------------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


MINIMAL_DOMAIN = """\
version: "3.1"
intents: [greet, ask_human, report_fraud, nlu_fallback, affirm]
slots:
  email_address: {type: text}
  wants_news: {type: bool}
forms:
  news_form:
    required_slots: [wants_news, email_address]
responses:
  utter_greet:
  - text: Hallo! Ik ben de digitale assistent van Voorbeeld.
  utter_transfer:
  - text: Ik verbind je door met een medewerker.
    metadata: {rephrase: True}
  utter_default:
  - text: Dat begreep ik niet.
  utter_ask_wants_news:
  - text: Wil je nieuws ontvangen?
  utter_ask_email_address:
  - text: Wat is je e-mailadres?
actions: [action_human_handoff, action_subscribe]
"""

MINIMAL_RULES = """\
version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
- rule: fraud goes to a person
  steps:
  - intent: report_fraud
  - action: utter_transfer
  - action: action_human_handoff
- rule: says so but does nothing
  steps:
  - intent: ask_human
  - action: utter_transfer
- rule: fallback
  steps:
  - intent: nlu_fallback
  - action: utter_default
- rule: news
  steps:
  - action: utter_greet
  - intent: affirm
  - action: news_form
  - active_loop: news_form
- rule: submit
  condition:
  - active_loop: news_form
  steps:
  - action: news_form
  - active_loop: null
  - action: action_subscribe
"""


def minimal(tmp_path: Path, **extra: str) -> Path:
    files = {
        "config.yml": "language: nl\npipeline:\n- name: FallbackClassifier\n",
        "domain.yml": MINIMAL_DOMAIN,
        "data/rules.yml": MINIMAL_RULES,
        "data/nlu.yml": 'version: "3.1"\nnlu:\n- intent: ask_human\n  examples: |\n'
        "    - mag ik een [mens](who) spreken\n    - medewerker\n",
    }
    return write(tmp_path / "bot", {**files, **extra})


def test_minimal_rasa3_mapping(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    project = load_project(root, "bot")
    assert project.kind == "rasa"
    document = project.document()
    assert validate(document, "flow.schema.json") == []
    bot = build_bot(document)
    assert bot.languages == ("nl",)
    assert bot.start == "utter_greet"
    by_id = steps(project)
    assert by_id["utter_greet"] == {
        "id": "utter_greet",
        "ask": {"nl": "Hallo! Ik ben de digitale assistent van Voorbeeld."},
        "on": {"affirm": "news_form"},
        "end": True,
    }
    # utter_transfer runs before the handoff in one rule and alone in another: one step, and
    # it reaches the handoff, so its promise is kept; the handoff says nothing of its own.
    assert by_id["utter_transfer"]["next"] == "action_human_handoff"
    assert by_id["action_human_handoff"] == {
        "id": "action_human_handoff",
        "action": "action_human_handoff",
        "handoff": "action_human_handoff",
    }
    assert project.data["humans"] == [{"id": "action_human_handoff", "channel": "live_chat"}]
    form = flow(project, "news_form")
    assert [(s["id"], s.get("collect")) for s in form] == [
        ("utter_ask_wants_news", None),
        ("utter_ask_email_address", "email_address"),
    ]
    assert form[-1]["next"] == "action_subscribe"
    assert project.data["privacy"]["data"] == [
        {"field": "email_address", "category": "contact", "basis": "undeclared"}
    ]
    assert project.data["escalation"] == {"fallback": "utter_default"}
    ask_human = next(i for i in project.data["intents"] if i["id"] == "ask_human")
    assert ask_human["examples"] == {"nl": ["mag ik een mens spreken", "medewerker"]}
    assert ask_human["goto"] == "utter_transfer"
    assert project.data["intents"][1]["id"] == "ask_human"  # the domain's order
    assert where(project, "intents", 1) == ("bot/data/nlu.yml", 3)
    assert ("generated-text", "utter_transfer") in {
        (n.check, n.params.get("name")) for n in project.notes
    }
    assert not [n for n in project.notes if n.check == "says-transfer-without-handoff"]


def test_odd_nlu_examples_are_skipped_not_a_crash(tmp_path: Path) -> None:
    nlu = "nlu:\n- intent: ask_human\n  examples: [1, {x: 2}, {text: medewerker}, null]\n"
    project = load_project(minimal(tmp_path, **{"data/nlu.yml": nlu}), "bot")
    ask_human = next(i for i in project.data["intents"] if i["id"] == "ask_human")
    assert ask_human["examples"] == {"nl": ["medewerker"]}


def test_the_bot_is_named_after_its_folder_not_its_assistant_id(tmp_path: Path) -> None:
    """assistant_id is internal; as a name it would "disclose" the bot in any text holding it."""
    config = "language: en\nassistant_id: banking-assistant\n"
    project = load_project(minimal(tmp_path, **{"config.yml": config}), "shop/bot")
    assert project.data["bot"]["name"] == "bot"
    assert project.data["bot"]["x-rasa-assistant-id"] == "banking-assistant"


@pytest.mark.parametrize(
    ("hosts", "hands_off"),
    [
        ({"helpdesk_assistant": "Helpdesk Assistant"}, False),  # only a bot: no person
        ({"helpdesk_assistant": "Helpdesk Assistant", "desk": "Service desk"}, True),
    ],
)
def test_a_handoff_to_bots_only_is_no_handoff(
    tmp_path: Path, hosts: dict[str, str], hands_off: bool
) -> None:
    config = "handoff_hosts:\n" + "".join(
        f"  {host}:\n    title: {title}\n    url: http://localhost\n"
        for host, title in hosts.items()
    )
    root = minimal(tmp_path, **{"actions/handoff_config.yml": config})
    project = load_project(root, "bot")
    assert ("handoff" in steps(project)["action_human_handoff"]) is hands_off
    assert [n.params["host"] for n in project.notes if n.check == "hands-off-to-a-bot"] == [
        "helpdesk_assistant"
    ]


def test_promise_without_handoff_is_reported(tmp_path: Path) -> None:
    rules = MINIMAL_RULES.replace("  - action: action_human_handoff\n", "")
    root = minimal(tmp_path, **{"data/rules.yml": rules})
    project = load_project(root, "bot")
    notes = [n for n in project.notes if n.check == "says-transfer-without-handoff"]
    assert [(n.rule, n.params["name"]) for n in notes] == [("CX02", "utter_transfer")]
    assert notes[0].location is not None
    assert (notes[0].location.file, notes[0].location.line) == ("bot/domain.yml", 13)
    assert "humans" not in project.data


def test_broken_data_file_is_a_note(tmp_path: Path) -> None:
    root = minimal(tmp_path, **{"data/stories.yml": "stories:\n- story: x\n  steps: [\n"})
    project = load_project(root, "bot")
    notes = [n for n in project.notes if n.check == "unreadable-file"]
    assert len(notes) == 1
    assert notes[0].params["file"] == "bot/data/stories.yml"
    assert notes[0].location is not None and notes[0].location.line >= 3
    assert validate(project.document(), "flow.schema.json") == []
    assert "utter_greet" in steps(project)  # the rest is still checked


def test_data_file_that_is_a_list_is_a_note(tmp_path: Path) -> None:
    root = minimal(tmp_path, **{"data/extra.yml": "- just\n- a list\n"})
    project = load_project(root, "bot")
    note = next(n for n in project.notes if n.check == "file-not-a-map")
    assert note.params == {"file": "bot/data/extra.yml"}


def test_broken_domain_is_an_input_error(tmp_path: Path) -> None:
    root = minimal(tmp_path, **{"domain.yml": "responses:\n  utter_greet: [\n    - text: hi\n"})
    with pytest.raises(InputError) as caught:
        load_project(root, "bot")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.path == "bot/domain.yml"
    assert diagnostic.line is not None and diagnostic.line >= 2


def test_domain_that_is_not_a_map(tmp_path: Path) -> None:
    root = minimal(tmp_path, **{"domain.yml": "- utter_greet\n"})
    with pytest.raises(InputError) as caught:
        load_project(root, "bot")
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("bot/domain.yml", 1, 1)
    assert "a domain file must be a map" in diagnostic.message


def test_response_that_is_not_a_list(tmp_path: Path) -> None:
    root = minimal(
        tmp_path,
        **{
            "domain.yml": MINIMAL_DOMAIN.replace(
                "  utter_default:\n  - text: Dat begreep ik niet.",
                "  utter_default: Dat begreep ik niet.",
            )
        },
    )
    with pytest.raises(InputError) as caught:
        load_project(root, "bot")
    assert "utter_default" in caught.value.diagnostics[0].message
    assert caught.value.diagnostics[0].line == 15


def test_no_conversation_at_all(tmp_path: Path) -> None:
    root = write(tmp_path / "bot", {"domain.yml": MINIMAL_DOMAIN, "data/nlu.yml": "nlu: []\n"})
    with pytest.raises(InputError, match="no rules, stories or flows"):
        load_project(root, "bot")


CALM_FLOWS = """\
flows:
  newsletter:
    description: Sign up for the newsletter
    steps:
      - collect: email
        rejections:
          - if: not (slots.email matches "@")
            utter: utter_invalid_email
      - id: done
        action: utter_done
        next: END
  helper:
    if: False
    description: never started
    steps:
      - link: newsletter
"""

CALM_DOMAIN = """\
slots:
  email: {type: text}
responses:
  utter_ask_email:
    - text: Wat is je e-mailadres?
      metadata:
        rephrase: True
  utter_done:
    - text: Je bent aangemeld.
  utter_invalid_email:
    - text: Dat is geen e-mailadres.
"""


def test_minimal_calm_mapping(tmp_path: Path) -> None:
    root = write(
        tmp_path / "calm",
        {
            "config.yml": "language: nl\n",
            "domain/main.yml": CALM_DOMAIN,
            "data/flows.yml": CALM_FLOWS,
        },
    )
    project = load_project(root, "calm")
    assert project.kind == "rasa-calm"
    document = project.document()
    assert validate(document, "flow.schema.json") == []
    bot = build_bot(document)
    newsletter = flow(project, "newsletter")
    assert [s["id"] for s in newsletter] == ["email", "done", "utter_invalid_email"]
    email = newsletter[0]
    assert email["ask"] == {"nl": "Wat is je e-mailadres?"}
    assert email["collect"] == "email"
    assert email["next"] == "done"
    assert email["options"] == [
        {"label": {"x-if": 'not (slots.email matches "@")'}, "goto": "utter_invalid_email"}
    ]
    assert newsletter[2]["next"] == "email"  # a rejection asks again
    assert newsletter[1]["end"] is True
    assert where(project, *step_path(project, "email"), "collect") == ("calm/data/flows.yml", 5)
    assert where(project, *step_path(project, "email"), "ask", "nl") == ("calm/domain/main.yml", 5)
    intents = {i["id"]: i for i in project.data["intents"]}
    assert intents["newsletter"]["global"] is True
    assert intents["newsletter"]["examples"] == {"nl": ["Sign up for the newsletter"]}
    assert "helper" not in intents  # guarded by if: False
    assert steps(project)["link_newsletter"]["next"] == "newsletter"
    assert ("generated-text", "utter_ask_email") in {
        (n.check, n.params.get("name")) for n in project.notes
    }
    # Rasa's default patterns stand in for those the project does not override.
    assert project.data["escalation"] == {"fallback": "pattern_cannot_handle"}
    assert intents["pattern_human_handoff"]["goto"] == "pattern_human_handoff"
    assert not any(s.handoff for s in bot.steps)


def test_calm_link_to_nothing(tmp_path: Path) -> None:
    root = write(
        tmp_path / "calm",
        {
            "domain.yml": CALM_DOMAIN,
            "data/flows.yml": CALM_FLOWS.replace("link: newsletter", "link: newsletterr"),
        },
    )
    with pytest.raises(InputError) as caught:
        load_project(root, "calm")
    diagnostic = caught.value.diagnostics[0]
    assert "newsletterr" in diagnostic.message
    assert (diagnostic.path, diagnostic.line) == ("calm/data/flows.yml", 16)


def test_without_a_greeting_the_first_words_start(tmp_path: Path) -> None:
    greeting = "  - intent: greet\n  - action: utter_greet\n"
    shopping = "  - intent: shop\n  - action: action_subscribe\n  - intent: affirm\n  - action: utter_greet\n"
    root = minimal(tmp_path, **{"data/rules.yml": MINIMAL_RULES.replace(greeting, shopping)})
    project = load_project(root, "bot")
    bot = build_bot(project.document())
    assert steps(project)["action_subscribe"]["ask"] == {
        "x-rasa": "action_subscribe answers in code cxaudit cannot read"
    }
    assert bot.start == "utter_greet"  # not action_subscribe, whose words are in code
    checks = {i.check for rule, i, _ in findings(project, bot) if rule == "CX01"}
    assert "first-message-missing" not in checks


@pytest.mark.parametrize(
    ("condition", "value", "met"),
    [
        ("slots.reason == 'fraud'", "fraud", True),
        ("slots.reason == 'lost' or slots.reason == 'fraud'", "fraud", True),
        ('slots.reason == "lost"', "fraud", False),
        ('slots.confirm is "Yes"', "Yes", True),
        ('slots.confirm is not "Yes"', "Yes", False),
        ("slots.confirm", "true", True),
        ("slots.confirm", "false", False),
        ("not slots.confirm", "false", True),
        ("slots.other == 'fraud'", "fraud", False),
        ("slots.reason != 'fraud'", "fraud", False),
    ],
)
def test_which_calm_condition_a_button_meets(condition: str, value: str, met: bool) -> None:
    assert meets(condition, "confirm" if "confirm" in condition else "reason", value) is met
