"""What every importer's output gets from the bot's own words (cxaudit/importers/content.py),
and what an overlay may declare that no export holds (cxaudit/importers/overlay.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxaudit.diagnostics import InputError
from cxaudit.importers.base import Project, Source
from cxaudit.importers.content import read_content, settle_notes
from cxaudit.importers.overlay import merge_overlay
from cxaudit.loader import load_text


def project(tmp_path: Path, texts: list[str], **bot: Any) -> Project:
    """A project as an importer leaves it: one flow whose steps say ``texts``."""
    built = Project(tmp_path, "bot", "dialogflow-cx")
    steps: list[dict[str, Any]] = [
        {"id": f"s{i}", "say": {"en": text}, "next": f"s{i + 1}"} for i, text in enumerate(texts)
    ]
    steps.append({"id": f"s{len(texts)}", "say": {"en": "Bye."}, "end": True})
    built.data = {
        "cxaudit": 1,
        "bot": {"name": "agent_x1", "languages": ["en"], "start": "s0", **bot},
        "intents": [{"id": "report_fraud", "examples": {"en": ["someone used my card"]}}],
        "flows": [{"id": "main", "steps": steps}],
    }
    return built


def overlay(tmp_path: Path, text: str) -> Source:
    path = tmp_path / "cxaudit.overlay.yaml"
    path.write_text(text, encoding="utf-8")
    return Source("bot/cxaudit.overlay.yaml", load_text(text, "bot/cxaudit.overlay.yaml"))


def test_every_contact_channel_a_text_gives_is_a_way_to_a_person(tmp_path: Path) -> None:
    built = project(tmp_path, ["Call us on 020 7777 7777 or email help@bank.example."])
    read_content(built)
    assert [(h["id"], h["channel"]) for h in built.data["humans"]] == [
        ("email_in_text", "email"),
        ("phone_in_text", "phone"),
    ]


def test_a_customers_own_address_read_back_is_no_contact(tmp_path: Path) -> None:
    built = project(tmp_path, ["Your account information:\nprimary email : jan@example.com"])
    read_content(built)
    assert "humans" not in built.data


def test_stated_hours_are_the_hours_of_the_people_without_any(tmp_path: Path) -> None:
    built = project(tmp_path, ["Our team is available Monday to Friday from 9am to 5pm."])
    built.data["humans"] = [{"id": "live_agent", "channel": "live_chat"}]
    read_content(built)
    assert built.data["humans"] == [
        {"id": "live_agent", "channel": "live_chat", "hours": "mo-fr 09:00-17:00"}
    ]


def test_a_privacy_link_in_a_text_is_the_policy(tmp_path: Path) -> None:
    built = project(tmp_path, ["Read how we use your data: https://bank.example/privacy."])
    read_content(built)
    assert built.data["privacy"] == {"policy_url": "https://bank.example/privacy"}


def test_the_sector_is_inferred_with_its_evidence(tmp_path: Path) -> None:
    built = project(
        tmp_path,
        [
            "Your IBAN and account balance are below.",
            "To transfer money to a payee, choose the account.",
            "Your mortgage payment is due; your debit card is blocked.",
            "Savings account interest is 2%.",
        ],
    )
    read_content(built)
    assert built.data["bot"]["sector"] == "finance"
    (note,) = [n for n in built.notes if n.check == "sector-inferred"]
    assert note.params["sector"] == "finance" and note.params["evidence"]


def test_a_declared_sector_is_kept_and_not_asked_for(tmp_path: Path) -> None:
    built = project(tmp_path, ["Your IBAN and account balance are below."], sector="travel")
    read_content(built)
    assert built.data["bot"]["sector"] == "travel"
    assert not [n for n in built.notes if n.check.startswith("sector")]


def test_the_overlay_sector_wins_and_silences_the_inference(tmp_path: Path) -> None:
    built = project(tmp_path, ["Hello."])
    read_content(built)
    assert [n.check for n in built.notes] == ["sector-unknown"]
    merge_overlay(built, overlay(tmp_path, "bot: {sector: insurance}\n"))
    settle_notes(built)
    assert built.data["bot"]["sector"] == "insurance"
    assert built.notes == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi! I'm Rasano, your helpful banking assistant.", "Rasano"),
        ("Hallo, ik ben Sanne van de klantenservice.", "Sanne"),
        ("Bonjour, je suis Julie, l'assistante virtuelle.", "Julie"),
    ],
)
def test_the_name_the_bot_gives_itself_is_its_name(tmp_path: Path, text: str, name: str) -> None:
    built = project(tmp_path, [text])
    read_content(built)
    assert built.data["bot"]["name"] == name
    assert "persona" not in built.data["bot"]


@pytest.mark.parametrize(
    "text",
    [
        "Hi! I'm your Financial Assistant!",
        "Hello! I'm Mobile's virtual assistant.",
        "I'm sorry, I did not get that.",
    ],
)
def test_a_bot_that_names_no_persona_keeps_the_projects_name_as_no_persona(
    tmp_path: Path, text: str
) -> None:
    built = project(tmp_path, [text])
    read_content(built)
    assert built.data["bot"]["name"] == "agent_x1"
    assert built.data["bot"]["persona"] is False


def test_the_overlay_declares_the_topic_of_an_intent(tmp_path: Path) -> None:
    built = project(tmp_path, ["Hello."])
    merge_overlay(built, overlay(tmp_path, "intents:\n  - {id: report_fraud, topic: fraud}\n"))
    assert built.data["intents"][0]["topic"] == "fraud"
    loc = built.locator.locate(("intents", 0, "topic"))
    assert (loc.file, loc.line) == ("bot/cxaudit.overlay.yaml", 2)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("intents:\n  - {id: report_frod, topic: fraud}\n", "did you mean 'report_fraud'?"),
        ("intents:\n  - {id: report_fraud, examples: [x]}\n", "'examples' cannot be declared"),
        ("intents: {report_fraud: fraud}\n", "intents is a list"),
    ],
)
def test_a_wrong_intent_in_the_overlay_is_an_input_error(
    tmp_path: Path, text: str, fragment: str
) -> None:
    built = project(tmp_path, ["Hello."])
    with pytest.raises(InputError) as caught:
        merge_overlay(built, overlay(tmp_path, text))
    (diagnostic,) = caught.value.diagnostics
    assert fragment in diagnostic.message and diagnostic.path == "bot/cxaudit.overlay.yaml"
