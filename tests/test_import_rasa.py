"""The Rasa importer on the two real corpus projects (read in place, never copied) and on small
projects written here: what a careful reader of the files would conclude, and where it is."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cxaudit.catalogue import import_checks
from cxaudit.checks import REGISTRY
from cxaudit.checks.base import Context, Issue
from cxaudit.diagnostics import InputError
from cxaudit.engine import audit_files
from cxaudit.graph import FlowGraph
from cxaudit.importers import load_project
from cxaudit.importers.base import Project
from cxaudit.importers.rasa_buttons import meets
from cxaudit.loading import Settings, effective_settings
from cxaudit.locations import Location
from cxaudit.model import Bot
from cxaudit.model import build as build_bot
from cxaudit.report import FileReport, Finding
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


@cache
def checked(path: Path, display: str) -> FileReport:
    """The project as ``cxaudit check`` reports it (the engine: importer, overlay, rules)."""
    report = audit_files([(path, display)], Settings(language="en", discover_config=False))
    assert report.errors == (), [e.render() for e in report.errors]
    return report.files[0]


def rule_findings(report: FileReport) -> list[Finding]:
    """The rules' findings, without the import notes."""
    notes = import_checks()
    return [f for f in report.findings if f.check not in notes]


def status(report: FileReport, rule: str) -> str:
    return next(r.status.value for r in report.rules if r.id == rule)


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

    def test_the_customer_speaks_first(self, fd: tuple[Project, Bot]) -> None:
        """No rule or story makes the bot speak before the customer; the custom
        action_session_start could, in code the project does not hold (the reviewers: "Who
        speaks first: the customer")."""
        project, bot = fd
        assert bot.languages == ("en",)  # config.yml: language: en
        assert bot.start == "action_session_start"
        by_id = steps(project)
        assert by_id["action_session_start"] == {
            "id": "action_session_start",
            "ask": {
                "x-rasa": "the customer speaks first, unless the custom action_session_start "
                "sends a message (its code is not here)"
            },
            "end": True,
        }
        # Placed where the bot greets only after the customer has greeted (rule "greet").
        rules = FINANCIAL / "data/rules/rules.yml"
        greeting = line_of(rules, "intent: greet", after="rule: greet")
        assert where(project, *step_path(project, "action_session_start")) == (
            "financial-demo/data/rules/rules.yml",
            greeting,
        )
        domain = FINANCIAL / "domain.yml"
        custom = line_of(domain, "- action_session_start")
        (note,) = [n for n in project.notes if n.check == "custom-session-start"]
        assert note.rule == "CX01" and note.location is not None
        assert (note.location.file, note.location.line) == ("financial-demo/domain.yml", custom)
        # The greeting answers the customer's greeting; no response stands in for a first one.
        greet = next(i for i in project.data["intents"] if i["id"] == "greet")
        assert greet["goto"] == "utter_greet" and greet["global"] is True
        assert by_id["utter_greet"]["ask"] == {"en": "Hi! I'm your Financial Assistant!"}
        assert by_id["utter_greet"]["next"] == "utter_help"  # rule "greet": two responses
        assert where(project, *step_path(project, "utter_greet"), "ask", "en") == (
            "financial-demo/domain.yml",
            line_of(domain, "Hi! I'm your Financial Assistant!"),
        )
        # Asked whether it is a bot, it says so (rule "Confirm that the bot is not a human").
        assert by_id["utter_bot"]["ask"]["en"] == "I'm a virtual assistant made with Rasa."
        assert {"id": "check_human", "goto": "utter_bot", "global": True}.items() <= (
            next(i for i in project.data["intents"] if i["id"] == "check_human").items()
        )
        cx01 = [
            (i.check, loc.file, loc.line) for r, i, loc in findings(project, bot) if r == "CX01"
        ]
        assert cx01 == [("first-message-missing", "financial-demo/data/rules/rules.yml", greeting)]

    def test_nothing_hands_off_to_a_person(self, fd: tuple[Project, Bot]) -> None:
        project, bot = fd
        # action_handoff sends the customer to another bot (actions/handoff_config.yml lists
        # the "Helpdesk Assistant"): a handoff (CX04 judges what it carries), but to no person.
        graph = FlowGraph(bot)
        assert [s.id for s in bot.steps if s.handoff] == ["action_handoff"]
        assert not any(graph.is_handoff(i) for i in range(len(bot.steps)))
        assert [(h.id, h.channel) for h in bot.humans] == [("action_handoff", "bot")]
        by_id = steps(project)
        assert by_id["action_handoff"]["handoff"] == "action_handoff"
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
        # "Alright, I'll try to transfer you." (sent by action_handoff, to another bot). The
        # evidence layer reads "It looks like you want to be transferred to a human agent" as
        # the customer's wish and "If you were talking to me via chatroom, I would have handed
        # you off" as a condition: neither promises the transfer itself.
        assert set(notes) == {"utter_handoff"}
        assert all(n.rule == "CX02" for n in notes.values())
        # The only handoff host is a bot: its own note, at the host in the skill's configuration.
        (bot_host,) = [n for n in project.notes if n.check == "hands-off-to-a-bot"]
        assert (bot_host.rule, bot_host.params["host"]) == ("CX02", "helpdesk_assistant")
        location = notes["utter_handoff"].location
        assert location is not None
        assert (location.file, location.line) == (
            "financial-demo/domain.yml",
            line_of(FINANCIAL / "domain.yml", "Alright, I'll try to transfer you."),
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
        assert ("CX01", "first-message-missing") in checks  # the customer speaks first
        assert ("CX04", "unclear-announcement") in checks or ("CX04", "no-announcement") in checks
        kinds = {(n.check, n.rule) for n in project.notes}
        assert ("hands-off-to-a-bot", "CX02") in kinds  # the only handoff host is a bot
        assert ("custom-code", None) in kinds  # custom actions are code

    def test_agreements_made_in_code_are_unknown(self, fd: tuple[Project, Bot]) -> None:
        """action_pay_cc and action_transfer_money pay after a summary and a yes/no; whether
        they confirm in writing is their code's: unknown, as the reviewers have it."""
        project, _ = fd
        by_id = steps(project)
        for action in ("action_pay_cc", "action_transfer_money"):
            assert by_id[action]["agreement"] == "payment"
            assert by_id[action]["confirm"] == {"channel": "undeclared"}
        report = checked(FINANCIAL, "financial-demo")
        cx08 = {(f.check, f.step) for f in rule_findings(report) if f.rule == "CX08"}
        assert cx08 == {("confirmation-undeclared", "action_pay_cc")}  # one cause, both steps
        assert status(report, "CX08") == "unknown"


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
        # One cause (rephrasing on), one note naming every rephrased response.
        (note,) = [n for n in project.notes if n.check == "generated-text"]
        generated = set(note.params["name"].replace("'", "").split(", "))
        assert {"utter_greeting", "utter_help", "utter_block_card_understand"} <= generated
        assert "utter_transferring_to_human" not in generated  # no rephrase metadata
        assert note.location is not None  # at the first response by name
        assert note.location.file == "retail-banking/domain/cards/block_card.yml"

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
        assert not [n for n in project.notes if n.check == "says-transfer-without-handoff"]
        assert bot.human("action_human_handoff") is not None
        graph = FlowGraph(bot)
        assert graph.turns_to_handoff[bot.step_index["confirm_human_handoff"]] == 1
        # What the agent receives is action_human_handoff's code: not in the files.
        assert project.data["handoff"] == {"context": "undeclared"}
        assert where(project, "handoff") == (
            "retail-banking/data/general/human_handoff.yml",
            line_of(BANKING / "data/general/human_handoff.yml", "action: action_human_handoff"),
        )

    def test_asking_for_a_person_gets_rasas_refusal(self, rb: tuple[Project, Bot]) -> None:
        """The command generator turns "I want to talk to a human" into HumanHandoff, which
        runs pattern_human_handoff; the project does not override it, so Rasa's default says
        that no human is available (the project's own e2e test expects exactly that). The
        human_handoff flow stays, but such a request does not start it."""
        project, _ = rb
        asks = next(i for i in project.data["intents"] if i["id"] == "pattern_human_handoff")
        assert asks["global"] is True and asks["goto"] == "pattern_human_handoff"
        assert "asks for a person" in asks["x-rasa"]
        default = flow(project, "pattern_human_handoff")[0]
        assert "cannot help you" in default["say"]["en"] and "handoff" not in default
        flow_intent = next(i for i in project.data["intents"] if i["id"] == "human_handoff")
        assert flow_intent["goto"] == "human_handoff" and flow_intent["global"] is False
        (note,) = [n for n in project.notes if n.check == "default-handoff-pattern"]
        assert (note.rule, note.params) == ("CX02", {"flows": "'human_handoff'"})
        assert note.location is not None
        assert (note.location.file, note.location.line) == (
            "retail-banking/data/general/human_handoff.yml",
            line_of(BANKING / "data/general/human_handoff.yml", "human_handoff:"),
        )
        report = checked(BANKING, "retail-banking")
        # The handoff exists (no "nobody"), but no request reaches a person in one turn.
        cx02 = {f.check for f in rule_findings(report) if f.rule == "CX02"}
        assert "no-global-human" in cx02 and "no-human-anywhere" not in cx02
        assert status(report, "CX02") == "fail"
        assert status(report, "CX04") == "unknown"

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
        # payment_date is a date, not the customer's data (the evidence layer: only a birth
        # date or a card's expiry date is).
        assert collected == {
            "account",
            "card",
            "account_number",
            "account_from",
            "payee_name",
            "amount",
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
        # Rasa's default pattern_cannot_handle: asks to rephrase (or, for what is not
        # supported, says it cannot help), and never reaches a person.
        default = flow(project, "pattern_cannot_handle")[0]
        assert default["id"] == "utter_ask_rephrase"
        assert default["say"]["en"].splitlines() == [
            "I\u2019m sorry I am unable to understand you, could you please rephrase?",
            "I'm sorry, I'm not trained to help with that.",
        ]
        checks = {(rule, i.check, i.subject) for rule, i, _ in findings(project, bot)}
        assert ("CX03", "fallback-no-human", "confirm_human_handoff") in checks
        # What action_human_handoff passes on and whether the payment actions confirm in
        # writing is their code's: unknown, not a failure.
        assert ("CX04", "context-undeclared", "handoff.context") in checks
        assert ("CX08", "confirmation-undeclared", "action_schedule_payment") in checks
        assert ("CX08", "no-confirmation", "action_schedule_payment") not in checks
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
    assert bot.start == "action_session_start"  # the customer greets first; see below
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
    assert project.data["handoff"] == {"context": "undeclared"}  # the action's code decides
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
    assert ("generated-text", "'utter_transfer'") in {
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
def test_a_handoff_to_bots_only_is_no_handoff_to_a_person(
    tmp_path: Path, hosts: dict[str, str], hands_off: bool
) -> None:
    config = "handoff_hosts:\n" + "".join(
        f"  {host}:\n    title: {title}\n    url: http://localhost\n"
        for host, title in hosts.items()
    )
    root = minimal(tmp_path, **{"actions/handoff_config.yml": config})
    project = load_project(root, "bot")
    # A handoff either way; to a person only when some host is one.
    assert steps(project)["action_human_handoff"]["handoff"] == "action_human_handoff"
    channels = {h["id"]: h["channel"] for h in project.data["humans"]}
    assert (channels["action_human_handoff"] != "bot") is hands_off
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
    assert ("generated-text", "'utter_ask_email'") in {
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


def test_without_a_greeting_the_customer_speaks_first(tmp_path: Path) -> None:
    """No rule or story sends anything after action_session_start: the conversation starts
    with the customer, in words cxaudit does not invent (no fallback or handoff text stands in
    for a first message), and CX01 says that the bot says nothing first."""
    root = minimal(tmp_path)
    report = checked(root, "bot")
    project = load_project(root, "bot")
    start = flow(project, "session_start")
    assert start == [
        {"id": "action_session_start", "ask": {"x-rasa": "the customer speaks first"}, "end": True}
    ]
    assert project.data["bot"]["start"] == "action_session_start"
    # Placed at the rule that answers the customer's greeting.
    greet = line_of(root / "data/rules.yml", "intent: greet")
    assert where(project, *step_path(project, "action_session_start")) == (
        "bot/data/rules.yml",
        greet,
    )
    # From there the customer's intents lead on: the greeting, the fraud report, ...
    intents = {i["id"]: i for i in project.data["intents"]}
    assert intents["greet"]["goto"] == "utter_greet" and intents["greet"]["global"] is True
    cx01 = [f for f in rule_findings(report) if f.rule == "CX01"]
    assert [(f.check, f.step, f.path, f.line) for f in cx01] == [
        ("first-message-missing", "action_session_start", "bot/data/rules.yml", greet)
    ]
    assert "says nothing before the customer speaks" in cx01[0].message
    assert not any(n.check == "custom-session-start" for n in project.notes)


def test_a_custom_session_start_is_said_to_be_unseen(tmp_path: Path) -> None:
    domain = MINIMAL_DOMAIN.replace(
        "actions: [action_human_handoff, action_subscribe]",
        "actions: [action_session_start, action_human_handoff, action_subscribe]",
    )
    # Without a rule for the customer's greeting, the start is placed at the custom action.
    rules = MINIMAL_RULES.replace("- rule: greet\n  steps:\n  - intent: greet\n", "")
    rules = rules.replace("  - action: utter_greet\n- rule: fraud", "- rule: fraud")
    root = minimal(tmp_path, **{"domain.yml": domain, "data/rules.yml": rules})
    project = load_project(root, "bot")
    assert "greet" not in {i["id"] for i in project.data["intents"] if "goto" in i}
    start = steps(project)["action_session_start"]
    assert start["ask"] == {
        "x-rasa": "the customer speaks first, unless the custom action_session_start sends a "
        "message (its code is not here)"
    }
    (note,) = [n for n in project.notes if n.check == "custom-session-start"]
    assert (note.rule, note.params) == ("CX01", {"action": "action_session_start"})
    assert note.location is not None and (note.location.file, note.location.line) == (
        "bot/domain.yml",
        line_of(root / "domain.yml", "actions:"),
    )
    report = checked(root, "bot")
    (missing,) = [f for f in rule_findings(report) if f.rule == "CX01"]
    assert (missing.check, missing.path) == ("first-message-missing", "bot/domain.yml")
    assert status(report, "CX01") == "fail"


@pytest.mark.parametrize(
    "opening",
    [
        "- rule: greet first\n  steps:\n  - action: action_session_start\n"
        "  - action: utter_greet\n",
        "- rule: greet first\n  conversation_start: true\n  steps:\n  - action: utter_greet\n",
    ],
)
def test_a_bot_that_greets_after_session_start_speaks_first(tmp_path: Path, opening: str) -> None:
    rules = MINIMAL_RULES.replace("rules:\n", "rules:\n" + opening, 1)
    root = minimal(tmp_path, **{"data/rules.yml": rules})
    project = load_project(root, "bot")
    bot = build_bot(project.document())
    assert bot.start in ("action_session_start", "utter_greet")
    assert "session_start" not in {f["id"] for f in project.data["flows"]}
    report = checked(root, "bot")
    assert status(report, "CX01") == "pass"  # "Ik ben de digitale assistent van Voorbeeld."
    assert not [f for f in rule_findings(report) if f.rule == "CX01"]


E2E_DOMAIN = """\
version: "3.1"
intents: [affirm, deny]
slots:
  invoice: {type: text}
responses:
  utter_ask_pay:
  - text: Shall I pay your invoice of 20 euros now?
  utter_paid:
  - text: Done! We've emailed you a receipt.
  utter_cancelled:
  - text: Fine, I won't pay it.
actions: [action_pay_invoice, action_transfer_to_agent]
"""

E2E_STORIES = """\
version: "3.1"
stories:
- story: pay, end to end
  steps:
  - user: "I want to pay my [invoice](invoice)"
  - bot: "Sure, let me look that up."
  - action: utter_ask_pay
  - intent: affirm
    user: "yes please"
  - action: action_pay_invoice
- story: do not pay
  steps:
  - action: utter_ask_pay
  - user: "no"
    intent: deny
  - bot: "Fine, I won't pay it."
- story: a person
  steps:
  - user: "Can I talk to a person?"
  - bot: "I'm connecting you with a colleague now."
  - action: action_transfer_to_agent
"""


def e2e(tmp_path: Path, **extra: str) -> Path:
    files = {
        "config.yml": "language: en\npipeline:\n- name: FallbackClassifier\n",
        "domain.yml": E2E_DOMAIN,
        "data/stories.yml": E2E_STORIES,
        # Rasa's test conversations: not the bot, never read.
        "data/test_stories.yml": "stories:\n- story: t\n  steps:\n  - user: hello there\n"
        "  - bot: I am a human, honestly.\n",
    }
    return write(tmp_path / "shop", {**files, **extra})


def test_end_to_end_stories(tmp_path: Path) -> None:
    root = e2e(tmp_path)
    project = load_project(root, "shop")
    assert validate(project.document(), "flow.schema.json") == []
    intents = {i["id"]: i for i in project.data["intents"]}
    # An unnamed user step is an intent of its own, whose example is what the customer says
    # (without the entity annotation); a named one adds its words to the intent.
    pay = intents["user_i_want_to_pay_my_invoice"]
    assert pay == {
        "id": "user_i_want_to_pay_my_invoice",
        "examples": {"en": ["I want to pay my invoice"]},
        "goto": "bot_sure_let_me_look_that_up",
        "global": True,
    }
    assert where(project, "intents", list(intents).index(pay["id"])) == (
        "shop/data/stories.yml",
        line_of(root / "data/stories.yml", "I want to pay"),
    )
    assert intents["affirm"]["examples"] == {"en": ["yes please"]}
    assert intents["deny"]["examples"] == {"en": ["no"]}
    assert "user_hello_there" not in intents  # data/test_stories.yml is not the bot
    by_id = steps(project)
    # A bot step is a text the bot says, placed where the story writes it.
    assert by_id["bot_sure_let_me_look_that_up"] == {
        "id": "bot_sure_let_me_look_that_up",
        "say": {"en": "Sure, let me look that up."},
        "next": "utter_ask_pay",
    }
    assert where(project, *step_path(project, "bot_sure_let_me_look_that_up"), "say", "en") == (
        "shop/data/stories.yml",
        line_of(root / "data/stories.yml", "Sure, let me look"),
    )
    assert by_id["utter_ask_pay"]["on"] == {
        "affirm": "action_pay_invoice",
        "deny": "bot_fine_i_won_t_pay_it",
    }
    assert by_id["bot_fine_i_won_t_pay_it"]["ask"] == {"en": "Fine, I won't pay it."}
    assert not any("human, honestly" in str(s) for s in by_id.values())
    # The announcement before the handoff is its message.
    assert by_id["action_transfer_to_agent"]["say"] == {
        "en": "I'm connecting you with a colleague now."
    }
    assert intents["user_can_i_talk_to_a_person"]["goto"] == "action_transfer_to_agent"
    report = checked(root, "shop")
    assert status(report, "CX02") == "pass"  # a person is one global intent away
    assert status(report, "CX04") == "unknown"  # the action's code hands over


def test_a_payment_in_code_after_a_yes_no_is_unknown_in_writing(tmp_path: Path) -> None:
    root = e2e(tmp_path)
    project = load_project(root, "shop")
    pay = steps(project)["action_pay_invoice"]
    assert (pay["agreement"], pay["confirm"]) == ("payment", {"channel": "undeclared"})
    report = checked(root, "shop")
    cx08 = [(f.check, f.step) for f in rule_findings(report) if f.rule == "CX08"]
    assert cx08 == [("confirmation-undeclared", "action_pay_invoice")]
    assert status(report, "CX08") == "unknown"


def test_a_response_that_says_it_emailed_a_receipt_confirms_in_writing(tmp_path: Path) -> None:
    stories = E2E_STORIES.replace(
        "  - action: action_pay_invoice\n",
        "  - action: action_pay_invoice\n  - action: utter_paid\n",
    )
    root = e2e(tmp_path, **{"data/stories.yml": stories})
    project = load_project(root, "shop")
    by_id = steps(project)
    assert by_id["utter_paid"]["confirm"] == {"channel": "email"}
    assert where(project, *step_path(project, "utter_paid"), "confirm") == (
        "shop/domain.yml",
        line_of(root / "domain.yml", "emailed you a receipt"),
    )
    report = checked(root, "shop")
    assert not [f for f in rule_findings(report) if f.rule == "CX08"]
    assert status(report, "CX08") == "pass"


def test_a_handoff_action_in_rasa3_leaves_the_context_to_its_code(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    project = load_project(root, "bot")
    assert project.data["handoff"] == {"context": "undeclared"}
    assert list(project.data)[:4] == ["cxaudit", "bot", "humans", "handoff"]
    assert where(project, "handoff") == (
        "bot/data/rules.yml",
        line_of(root / "data/rules.yml", "action: action_human_handoff"),
    )
    report = checked(root, "bot")
    cx04 = [(f.check, f.path) for f in rule_findings(report) if f.rule == "CX04"]
    assert ("context-undeclared", "bot/data/rules.yml") in cx04
    assert not [check for check, _ in cx04 if check == "no-context"]
    # (The handoff itself says nothing, so CX04 still fails for its announcement.)
    assert ("no-announcement", "bot/data/rules.yml") in cx04


@pytest.mark.parametrize(
    ("action", "hands_off"),
    [
        ("action_human_handoff", True),
        ("action_transfer_to_agent", True),
        ("action_doorverbinden_medewerker", True),  # Dutch: put through to a colleague
        ("action_uebergabe_mitarbeiter", True),
        ("action_handoff_options", False),  # offers the choice
        ("action_ask_handoff", False),
        ("action_transfer_money", False),  # money, not a person
    ],
)
def test_which_custom_actions_hand_off(tmp_path: Path, action: str, hands_off: bool) -> None:
    domain = MINIMAL_DOMAIN.replace("action_human_handoff", action)
    rules = MINIMAL_RULES.replace("action_human_handoff", action)
    root = minimal(tmp_path, **{"domain.yml": domain, "data/rules.yml": rules})
    assert ("handoff" in steps(load_project(root, "bot"))[action]) is hands_off


def test_personal_data_by_name_and_by_question(tmp_path: Path) -> None:
    domain = MINIMAL_DOMAIN.replace(
        "  wants_news: {type: bool}\n",
        "  wants_news: {type: bool}\n  input: {type: text}\n  geboortedatum: {type: text}\n"
        "  payment_date: {type: text}\n",
    ).replace(
        "    required_slots: [wants_news, email_address]",
        "    required_slots: [wants_news, input, geboortedatum, payment_date]",
    ) + (
        "  utter_ask_input:\n  - text: Wat is je e-mailadres?\n"
        "  utter_ask_geboortedatum:\n  - text: Wanneer ben je geboren?\n"
        "  utter_ask_payment_date:\n  - text: Op welke datum wil je betalen?\n"
    )
    domain = domain.replace("actions: [action_human_handoff, action_subscribe]\n", "") + (
        "actions: [action_human_handoff, action_subscribe]\n"
    )
    project = load_project(minimal(tmp_path, **{"domain.yml": domain}), "bot")
    categories = {d["field"]: d["category"] for d in project.data["privacy"]["data"]}
    # A generic slot asked for an e-mail address is contact data (the question says so); a
    # Dutch birth date is an identifier; a payment date and a yes/no are nobody's data.
    assert categories == {"geboortedatum": "identifier", "input": "contact"}


CALM_HANDOFF_DOMAIN = """\
slots:
  email: {type: text}
responses:
  utter_ask_email:
    - text: What's your email address?
  utter_transferring:
    - text: I'm connecting you with a colleague now.
actions: [action_human_handoff]
"""

CALM_HANDOFF_FLOWS = """\
flows:
  newsletter:
    description: Sign up for the newsletter
    steps:
      - collect: email
  human_handoff:
    description: Hands the conversation over to a human agent
    steps:
      - action: utter_transferring
      - action: action_human_handoff
"""


def calm_handoff(tmp_path: Path, **extra: str) -> Path:
    files = {
        "config.yml": "language: en\npipeline:\n- name: CompactLLMCommandGenerator\n",
        "domain.yml": CALM_HANDOFF_DOMAIN,
        "data/flows.yml": CALM_HANDOFF_FLOWS,
    }
    return write(tmp_path / "calm", {**files, **extra})


def test_calm_without_session_start_and_with_rasas_handoff_pattern(tmp_path: Path) -> None:
    """No pattern_session_start: the customer speaks first; Rasa's default handoff refusal is
    not the first message. Asking for a person runs the default pattern_human_handoff, which
    refuses; the project's handoff flow is not what such a request starts."""
    root = calm_handoff(tmp_path)
    project = load_project(root, "calm")
    assert validate(project.document(), "flow.schema.json") == []
    assert project.data["bot"]["start"] == "action_session_start"
    assert flow(project, "session_start")[0]["ask"] == {"x-rasa": "the customer speaks first"}
    assert where(project, *step_path(project, "action_session_start")) == (
        "calm/data/flows.yml",
        1,
    )
    intents = {i["id"]: i for i in project.data["intents"]}
    assert intents["pattern_human_handoff"]["global"] is True
    assert intents["human_handoff"]["global"] is False  # not on a request for a person
    assert intents["human_handoff"]["goto"] == "human_handoff"  # but there, and reachable
    assert intents["newsletter"]["global"] is True
    assert project.data["handoff"] == {"context": "undeclared"}
    (note,) = [n for n in project.notes if n.check == "default-handoff-pattern"]
    assert note.location is not None and note.location.line == 6
    report = checked(root, "calm")
    found = {(f.rule, f.check) for f in rule_findings(report)}
    assert ("CX01", "first-message-missing") in found
    first = next(f for f in report.findings if f.check == "first-message-missing")
    assert "connected to a human agent" not in first.message
    assert ("CX02", "no-global-human") in found
    assert ("CX02", "no-human-anywhere") not in found  # the handoff exists
    assert status(report, "CX02") == "fail"
    assert status(report, "CX04") == "unknown"


def test_calm_pattern_human_handoff_that_links_to_the_handoff(tmp_path: Path) -> None:
    flows = CALM_HANDOFF_FLOWS + (
        "  pattern_human_handoff:\n    description: Human handoff\n    steps:\n"
        "      - link: human_handoff\n"
    )
    root = calm_handoff(tmp_path, **{"data/flows.yml": flows})
    project = load_project(root, "calm")
    intents = {i["id"]: i for i in project.data["intents"]}
    assert intents["human_handoff"]["global"] is True
    assert intents["pattern_human_handoff"]["goto"] == "pattern_human_handoff"
    assert not [n for n in project.notes if n.check == "default-handoff-pattern"]
    report = checked(root, "calm")
    assert status(report, "CX02") == "pass"


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
