"""The content-evidence layer (cxaudit.evidence): its data, tested entry by entry like the rules'
lexicons, and its functions, tested on tables of real-looking names and texts in nl, en, de, fr.

Data tests are parametrised over every evidence lexicon file and entry, and over every example
in ``rules/evidence/*.yaml``, so a failure names what to fix. The sector tests read real bot
projects from ``../shared/corpus`` (skipped on a clone without it).
"""

from __future__ import annotations

import doctest
import importlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxaudit.evidence import (
    AGREEMENTS,
    CATEGORIES,
    CHANNELS,
    CONTEXT_ITEMS,
    LANGUAGES,
    SECRETS,
    SECTORS,
    Contact,
    Hours,
    agreement_of_name,
    agreement_of_text,
    contacts_in,
    context_of,
    flags_handoff,
    hours_in,
    is_machine,
    names_handoff,
    personal_category,
    promises_transfer,
    secret_of,
    sector_of,
    words_of,
    written_confirmation,
)
from cxaudit.evidence.words import fold
from cxaudit.lexicon import Entry, Lexicon, load_lexicon, normalise
from cxaudit.loader import load_text
from cxaudit.resources import rules_dir, schema_path
from tests.conftest import ROOT, SHARED, needs_shared

LEXICONS = rules_dir() / "lexicons"
EVIDENCE = rules_dir() / "evidence"
FILE_NAME = re.compile(r"^([a-z]+(?:-[a-z]+)*)\.([a-z]{2})\.yaml$")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Each evidence lexicon: the attribute every entry carries and its valid values.
ATTRIBUTES: dict[str, tuple[str, set[str]]] = {
    "transfer-announce": ("kind", {"transfer"}),
    "transfer-blockers": ("kind", {"question", "offer", "wish", "refusal", "condition", "money"}),
    "agreement-made": ("kind", {*AGREEMENTS, "not"}),
    "personal-question": ("category", set(CATEGORIES)),
    "secret-request": ("kind", {*SECRETS, "not"}),
    "written-confirmation": ("kind", {*CHANNELS, "sent", "coming", "proof", "not"}),
}


def _data(path: Path) -> Any:
    return load_text(path.read_text(encoding="utf-8"), str(path)).data


# --- the evidence lexicons, entry by entry ------------------------------------------------------


@dataclass(frozen=True)
class LexiconFile:
    path: Path
    name: str
    language: str
    raw: dict[str, Any]
    lexicon: Lexicon

    @property
    def id(self) -> str:
        return f"{self.name}.{self.language}"


def _lexicon_files() -> list[LexiconFile]:
    found = []
    for path in sorted(LEXICONS.glob("*.yaml")):
        if path.name.startswith("cx") or path.name == "first-names.yaml":
            continue
        match = FILE_NAME.match(path.name)
        assert match, f"unexpected lexicon file name: {path.name}"
        name, language = match.groups()
        lexicon = load_lexicon(name, language)
        assert lexicon is not None, path.name
        found.append(LexiconFile(path, name, language, _data(path), lexicon))
    return found


FILES = _lexicon_files()
ENTRIES = [(f, e) for f in FILES for e in f.lexicon.entries]
by_file = pytest.mark.parametrize("lexicon_file", FILES, ids=lambda f: f.id)
by_entry = pytest.mark.parametrize(
    ("lexicon_file", "entry"), ENTRIES, ids=[f"{f.id}:{e.id}" for f, e in ENTRIES]
)


def test_every_evidence_lexicon_exists_in_every_language() -> None:
    assert {(f.name, f.language) for f in FILES} == {
        (name, language) for name in ATTRIBUTES for language in LANGUAGES
    }


@by_file
def test_header_agrees_with_file_name(lexicon_file: LexiconFile) -> None:
    assert lexicon_file.raw.get("rule") == lexicon_file.name
    assert lexicon_file.raw.get("language") == lexicon_file.language


@by_file
def test_ids_are_unique_kebab_case(lexicon_file: LexiconFile) -> None:
    ids = [entry.id for entry in lexicon_file.lexicon.entries]
    assert ids and len(ids) == len(set(ids))
    assert all(KEBAB.match(i) for i in ids), ids


@by_file
def test_allowed_phrases_are_clean(lexicon_file: LexiconFile) -> None:
    allowed = lexicon_file.lexicon.allowed
    assert len(allowed) >= 10, "give at least 10 allowed phrases"
    for phrase in allowed:
        found = [(m.entry.id, m.phrase) for m in lexicon_file.lexicon.find(phrase)]
        assert not found, f"allowed phrase {phrase!r} matched {found}"


@by_file
def test_every_kind_is_covered(lexicon_file: LexiconFile) -> None:
    attribute, values = ATTRIBUTES[lexicon_file.name]
    found = {e.attrs.get(attribute) for e in lexicon_file.lexicon.entries}
    assert found == values, f"missing: {sorted(values - found)}"


@by_entry
def test_entry_is_complete(lexicon_file: LexiconFile, entry: Entry) -> None:
    assert set(entry.label) >= {"en", "nl"} and all(v.strip() for v in entry.label.values())
    assert len(entry.examples) >= 2 and len(set(entry.examples)) == len(entry.examples)
    attribute, values = ATTRIBUTES[lexicon_file.name]
    assert entry.attrs.get(attribute) in values


@by_entry
def test_entry_matches_its_examples(lexicon_file: LexiconFile, entry: Entry) -> None:
    missed = [example for example in entry.examples if not entry.matches(example)]
    assert not missed, f"pattern does not match: {missed}"
    screened = [e for e in entry.examples if not entry.may_match(normalise(e))]
    assert not screened, f"anchors {entry.anchors} hide: {screened}"
    assert entry.id in [m.entry.id for m in lexicon_file.lexicon.find(entry.examples[0])]


@by_entry
def test_entry_rejects_its_near_misses(lexicon_file: LexiconFile, entry: Entry) -> None:
    hit = [phrase for phrase in entry.counter_examples if entry.matches(phrase)]
    assert not hit, f"pattern matches near misses: {hit}"


@by_entry
def test_pattern_is_written_for_normalised_text(lexicon_file: LexiconFile, entry: Entry) -> None:
    literal = re.sub(r"\\.", "", entry.source)
    folded = [ch for ch in literal if ch.isalpha() and normalise(ch) != ch]
    assert not folded, f"normalised text never contains {sorted(set(folded))}"


@by_entry
def test_pattern_has_no_unbounded_nesting(lexicon_file: LexiconFile, entry: Entry) -> None:
    assert not re.search(r"\)(?:[*+]|\{\d*,\})", entry.source), "a group with an unbounded repeat"
    assert not re.search(r"(?<!\\)\.[*+]", entry.source), "an unbounded wildcard"


# --- the word lists in rules/evidence -----------------------------------------------------------

NAMES = _data(EVIDENCE / "names.yaml")


def _word_lists(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every map of languages to word lists in a data tree, with where it is."""
    if isinstance(node, dict) and node and set(node) <= set(LANGUAGES):
        return [(where, node)]
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("examples", "counter_examples", "not_examples"):
                found += _word_lists(value, f"{where}.{key}" if where else str(key))
    return found


WORD_LISTS = [
    (f"{path.stem}:{where}", lists)
    for path in sorted(EVIDENCE.glob("*.yaml"))
    for where, lists in _word_lists(_data(path))
]


@pytest.mark.parametrize(("where", "lists"), WORD_LISTS, ids=[w for w, _ in WORD_LISTS])
def test_word_lists_cover_every_language_and_are_folded(where: str, lists: dict[str, Any]) -> None:
    assert set(lists) == set(LANGUAGES), f"{where}: languages {sorted(lists)}"
    for language, words in lists.items():
        assert isinstance(words, list) and words, f"{where}.{language} is empty"
        for word in words:
            assert fold(str(word)) == str(word), f"{where}.{language}: write {word!r} folded"
        assert len(words) == len(set(map(str, words))), f"{where}.{language}: duplicates"


def _examples(section: str) -> list[tuple[str, str | None]]:
    return list(NAMES[section]["examples"].items())


@pytest.mark.parametrize(("name", "expected"), _examples("agreements"))
def test_agreement_examples_in_the_data(name: str, expected: str | None) -> None:
    assert agreement_of_name(name) == expected


@pytest.mark.parametrize(("name", "expected"), _examples("personal"))
def test_personal_examples_in_the_data(name: str, expected: str | None) -> None:
    assert personal_category(name) == expected


@pytest.mark.parametrize(("name", "expected"), _examples("secrets"))
def test_secret_examples_in_the_data(name: str, expected: str | None) -> None:
    assert secret_of(name) == expected


CONTACTS = _data(EVIDENCE / "contacts.yaml")


@pytest.mark.parametrize(
    ("channel", "text", "found"),
    [
        (channel, text, found)
        for channel in ("phone", "email", "web")
        for key, found in (("examples", True), ("counter_examples", False))
        for text in CONTACTS[channel][key]
    ],
)
def test_contact_examples_in_the_data(channel: str, text: str, found: bool) -> None:
    assert any(c.channel == channel for c in contacts_in(text)) is found


HOURS = _data(EVIDENCE / "hours.yaml")


@pytest.mark.parametrize(("text", "expected"), list(HOURS["examples"].items()))
def test_hours_examples_in_the_data(text: str, expected: str) -> None:
    found = hours_in(text, "*")
    assert found is not None and found.normalised == expected


@pytest.mark.parametrize("text", HOURS["counter_examples"])
def test_hours_counter_examples_in_the_data(text: str) -> None:
    assert hours_in(text, "*") is None


def test_no_sector_word_belongs_to_two_sectors() -> None:
    data = _data(EVIDENCE / "sectors.yaml")
    owner: dict[tuple[str, str], str] = {}
    clashes = []
    for sector in SECTORS:
        for tier in ("telling", "typical"):
            for language, words in data[sector][tier].items():
                for word in words:
                    key = (language, normalise(str(word)))
                    if owner.setdefault(key, sector) != sector:
                        clashes.append((key, owner[key], sector))
    assert clashes == []


# --- promises_transfer ------------------------------------------------------------------------

TRANSFERS = [
    # (language, text, promises a transfer?)
    ("en", "I'm transferring you to an agent now.", True),
    ("en", "One moment, I'm connecting you to a colleague.", True),
    ("en", "Let me connect you. One moment.", True),
    ("en", "Alright, I'll try to transfer you.", True),
    ("en", "Please hold while I transfer you to {department}.", True),
    ("en", "Transferring you to $session.params.team now.", True),
    ("en", "An agent will be with you shortly.", True),
    ("en", "Sorry, I can't answer that, so I'm connecting you with an agent.", True),
    ("en", "I understand. I'm putting you through to our fraud team.", True),
    ("en", "Shall I connect you to an agent?", False),
    ("en", "Shall I connect you to an agent", False),
    ("en", "Would you like me to transfer you to a colleague?", False),
    ("en", "You can ask for a person at any time.", False),
    ("en", "I can help with billing or connect you with a live agent.", False),
    ("en", "I can't transfer you right now.", False),
    ("en", "Transferring is not possible.", False),
    (
        "en",
        "I understand you want to be connected to a human agent, but that's something I "
        "cannot help you with.",
        False,
    ),
    ("en", "I'll transfer the money.", False),
    ("en", "I have transferred 50 euros to your account.", False),
    ("en", "If you were talking to me via chatroom, I would have handed you off to {host}.", False),
    ("en", "It looks like you want to be transferred to a human agent.", False),
    ("en", "I'd love to connect you with an agent, but none are available right now.", False),
    ("en", "Press 1 to be transferred to sales.", False),
    ("en", "Ok, I understand you don't want to be connected to a human agent.", False),
    ("nl", "Ik verbind je door met een medewerker.", True),
    ("nl", "Een moment, ik zet je door.", True),
    ("nl", "Een collega neemt het gesprek over.", True),
    ("nl", "Zal ik je doorverbinden met een collega?", False),
    ("nl", "Wil je doorverbonden worden met een medewerker", False),
    ("nl", "Ik kan je nu niet doorverbinden.", False),
    ("nl", "Je kunt altijd om een medewerker vragen.", False),
    ("nl", "Ik begrijp dat je een medewerker wilt spreken.", False),
    ("nl", "Het geld is overgemaakt naar je rekening.", False),
    ("de", "Ich verbinde Sie mit einem Mitarbeiter.", True),
    ("de", "Einen Moment, ich leite Sie jetzt weiter.", True),
    ("de", "Ich kann Sie leider nicht verbinden.", False),
    ("de", "Soll ich Sie mit einem Mitarbeiter verbinden?", False),
    ("de", "Sie können jederzeit nach einem Mitarbeiter fragen.", False),
    ("fr", "Je vous transfère à un conseiller.", True),
    ("fr", "Un instant, je vous mets en relation avec un conseiller.", True),
    ("fr", "Je ne peux pas vous transférer à un conseiller.", False),
    ("fr", "Souhaitez-vous parler à un conseiller ?", False),
    ("fr", "Vous pouvez demander un conseiller à tout moment.", False),
    ("*", "Je vous transfère à un conseiller.", True),
]


@pytest.mark.parametrize(("language", "text", "expected"), TRANSFERS, ids=lambda v: str(v)[:40])
def test_promises_transfer(language: str, text: str, expected: bool) -> None:
    assert promises_transfer(text, language) is expected


# --- agreements --------------------------------------------------------------------------------

AGREEMENT_NAMES = {
    "action_pay_cc": "payment",
    "process_account_payment": "payment",
    "transfer_money_form": "payment",
    "Make A Payment": "payment",
    "cc_payment_form": "payment",
    "book_appointment": "appointment",
    "cancel_subscription": "cancellation",
    "add_payee": "contract_change",
    "block_card": "contract_change",
    "change_plan": "contract_change",
    "withdraw_funds": "payment",
    "place_order": "order",
    "request_refund": "refund",
    "transfer_money": "payment",
    "pay_cc": "payment",
    "withdraw": "payment",
    "book_trip": "order",
    "reserve_table": "appointment",
    "upgrade_plan": "contract_change",
    "remove_payee": "contract_change",
    "prebuilt_components_make_a_payment:process_payment_credit_card": "payment",
    "processMobilePayment": "payment",
    "action_schedule_payment": "payment",
    "action_update_card_status": "contract_change",
    "Account_Management-Close_Cancel_Account": "cancellation",
    "Order_Management-Cancel_Product_Order": "cancellation",
    "Order_Management-Create_Product_Order": "order",
    "Payment-Refund_Payment": "refund",
    "Information-Make_Appointment": "appointment",
    "Service_Management-Price_Plan_Change": "contract_change",
    "Account_Management-Open_Account": "order",
    "Yes-book-an appointment": "appointment",
    "cancel_policy": "cancellation",
    "return_item": "refund",
    "afspraak_maken": "appointment",
    "bestelling_annuleren": "cancellation",
    "abonnement_opzeggen": "cancellation",
    "geld_overmaken": "payment",
    "adres_wijzigen": "contract_change",
    "TerminBuchen": "appointment",
    "Vertrag_kuendigen": "cancellation",
    "ueberweisung_ausfuehren": "payment",
    "prendre_rendez_vous": "appointment",
    "annuler_commande": "cancellation",
    "effectuer_un_virement": "payment",
    "changer_forfait": "contract_change",
    # no agreement
    "action_order_status": None,
    "check_balance": None,
    "list_payees": None,
    "search_transactions": None,
    "ask_transfer_form_confirm": None,
    "validate_payment_form": None,
    "utter_ask_payment_amount": None,
    "action_show_transfer_charge": None,
    "action_check_payee_existence": None,
    "action_validate_payment_date": None,
    "action_human_handoff": None,
    "transfer_to_agent": None,
    "human_transfer": None,
    "cancel": None,
    "action_cancel_flow": None,
    "payment_date": None,
    "order_number": None,
    "refund_policy": None,
    "Payment-Payment_History": None,
    "Order_Management-Get_Product_Order_Status": None,
    "prebuilt_components_make_a_payment:get_due_amount": None,
    "payee_added": None,
    "return_to_menu": None,
    "taxes.file_federal_return": None,
    "bestelstatus_bekijken": None,
    "Kontostand_abfragen": None,
    "afficher_solde": None,
}


@pytest.mark.parametrize(("name", "expected"), list(AGREEMENT_NAMES.items()))
def test_agreement_of_name(name: str, expected: str | None) -> None:
    assert agreement_of_name(name) == expected


AGREEMENT_TEXTS = [
    ("en", "Your payment of $50 has been scheduled.", "payment"),
    ("en", "Your beneficiary account payment was successful.", "payment"),
    ("en", "Payment successful! You'll get a receipt by email.", "payment"),
    ("en", "Your order has been placed.", "order"),
    ("en", "Thanks for your order!", "order"),
    ("en", "Your subscription has been cancelled.", "cancellation"),
    ("en", "Your refund has been processed.", "refund"),
    ("en", "Your appointment has been booked for Tuesday at 10.", "appointment"),
    ("en", "You're booked in for Monday at 9.", "appointment"),
    ("en", "The payee has been added.", "contract_change"),
    ("en", "I've blocked your card.", "contract_change"),
    ("en", "Your payment could not be processed.", None),
    ("en", "If you confirm, your order will be placed.", None),
    ("en", "Would you like me to schedule the payment?", None),
    ("en", "You can cancel your subscription at any time.", None),
    ("en", "Where is your order?", None),
    ("nl", "Je afspraak staat op dinsdag.", "appointment"),
    ("nl", "Je bestelling is geplaatst.", "order"),
    ("nl", "Je abonnement is per 1 mei opgezegd.", "cancellation"),
    ("nl", "Je betaling van 50 euro is ingepland.", "payment"),
    ("nl", "Je adres is gewijzigd.", "contract_change"),
    ("nl", "Je betaling is helaas niet gelukt.", None),
    ("nl", "Wil je een afspraak maken?", None),
    ("de", "Ihre Bestellung wurde aufgegeben.", "order"),
    ("de", "Ihr Termin wurde gebucht.", "appointment"),
    ("de", "Ihr Abonnement wurde gekündigt.", "cancellation"),
    ("de", "Ihre Rückerstattung wurde veranlasst.", "refund"),
    ("de", "Ihre Zahlung konnte leider nicht ausgeführt werden.", None),
    ("fr", "Votre réservation est confirmée.", "appointment"),
    ("fr", "Votre commande a été passée.", "order"),
    ("fr", "Votre virement a été effectué.", "payment"),
    ("fr", "Votre remboursement a été effectué.", "refund"),
    ("fr", "Votre paiement n'a pas pu être effectué.", None),
    ("fr", "Voulez-vous prendre rendez-vous ?", None),
    ("en", "Great, your order $session.params.order_id has been placed.", "order"),
    ("en", "Your account has been closed.", "cancellation"),
    ("en", "We'll refund the full amount.", "refund"),
    ("en", "Your plan has been upgraded.", "contract_change"),
    ("nl", "We hebben je afspraak geannuleerd.", "cancellation"),
    ("de", "Die Adresse wurde geändert, Ihre Karte wurde gesperrt.", "contract_change"),
]


@pytest.mark.parametrize(
    ("language", "text", "expected"), AGREEMENT_TEXTS, ids=lambda v: str(v)[:40]
)
def test_agreement_of_text(language: str, text: str, expected: str | None) -> None:
    assert agreement_of_text(text, language) == expected


# --- personal data -----------------------------------------------------------------------------

PERSONAL = [
    # (name, question, language, category)
    ("payee_name", None, "en", "identifier"),
    ("accountNumber", None, "en", "financial"),
    ("dob", None, "en", "identifier"),
    ("e-mail", None, "en", "contact"),
    ("email_address", None, "en", "contact"),
    ("phone_no", None, "en", "contact"),
    ("user_provided_last_name", None, "en", "identifier"),
    ("amount-of-money", None, "en", "financial"),
    ("other_amount", None, "en", "financial"),
    ("sort_code", None, "en", "financial"),
    ("physical_address", None, "en", "contact"),
    ("username", None, "en", "identifier"),
    ("PERSON", None, "en", "identifier"),
    ("ssn", None, "en", "government_id"),
    ("blood_type", None, "en", "health"),
    ("pregnancy", None, "en", "health"),
    ("religion", None, "en", "special"),
    ("current_location", None, "en", "location"),
    ("geboortedatum", None, "nl", "identifier"),
    ("rekeningnummer", None, "nl", "financial"),
    ("burgerservicenummer", None, "nl", "government_id"),
    ("telefoonnummer", None, "nl", "contact"),
    ("Geburtsdatum", None, "de", "identifier"),
    ("Kontonummer", None, "de", "financial"),
    ("Postleitzahl", None, "de", "contact"),
    ("date_de_naissance", None, "fr", "identifier"),
    ("numero_de_compte", None, "fr", "financial"),
    ("adresse_email", None, "fr", "contact"),
    ("x1", "What is your date of birth?", "en", "identifier"),
    ("input", "Wat is uw IBAN?", "nl", "financial"),
    ("weight", "What is your correct weight?", "en", "health"),
    ("iron-heart", "Do you have a heart condition or are you low in iron?", "en", "health"),
    ("antwort", "Wie lautet Ihre Steuer-ID?", "de", "government_id"),
    ("reponse", "Quelle est votre adresse e-mail ?", "fr", "contact"),
    ("value", "How much money would you like to transfer?", "en", "financial"),
    # not personal
    ("hotel_name", None, "en", None),
    ("product_name", None, "en", None),
    ("vendor_name", None, "en", None),
    ("merchant", None, "en", None),
    ("company_name", None, "en", None),
    ("destination", None, "en", None),
    ("number_of_guests", None, "en", None),
    ("payment_date", None, "en", None),
    ("product_price", None, "en", None),
    ("confirm", None, "en", None),
    ("address_confirmed", None, "en", None),
    ("search_type", None, "en", None),
    ("time_period", None, "en", None),
    ("feedback", None, "en", None),
    ("feedback_rating", None, "en", None),
    ("account_type", None, "en", None),
    ("next_form_name", None, "en", None),
    ("payment_mode", None, "en", None),
    ("departure-month", None, "en", None),
    ("confirm_email", "Is your email jan@example.com correct?", "en", None),
    ("hotel", "What's the name of the hotel?", "en", None),
    ("aantal_personen", None, "nl", None),
    ("betaaldatum", None, "nl", None),
]


@pytest.mark.parametrize(("name", "question", "language", "expected"), PERSONAL, ids=str)
def test_personal_category(
    name: str, question: str | None, language: str, expected: str | None
) -> None:
    assert personal_category(name, question=question, language=language) == expected


SECRET_CASES = [
    # (name, question, language, secret)
    ("passcode", None, "en", "passcode"),
    ("pin_code", None, "en", "pin"),
    ("otp", None, "en", "one_time_code"),
    ("cvv", None, "en", "cvv"),
    ("card_number", None, "en", "card_number"),
    ("creditCardNumber", None, "en", "card_number"),
    ("security_answer", None, "en", "security_answer"),
    ("password", None, "en", "password"),
    ("wachtwoord", None, "nl", "password"),
    ("pincode", None, "nl", "pin"),
    ("Passwort", None, "de", "password"),
    ("mot_de_passe", None, "fr", "password"),
    ("code_secret", None, "fr", "pin"),
    ("tan", None, "de", "one_time_code"),
    (None, "Please enter your 6-digit passcode.", "en", "passcode"),
    (None, "Please say or enter your card's CVV.", "en", "cvv"),
    (None, "What is your credit card number?", "en", "card_number"),
    (None, "Please enter the verification code we sent to your phone.", "en", "one_time_code"),
    (None, "What is your mother's maiden name?", "en", "security_answer"),
    (None, "Wat is je pincode?", "nl", "pin"),
    (None, "Vul de sms-code in.", "nl", "one_time_code"),
    (None, "Bitte geben Sie die TAN ein", "de", "one_time_code"),
    (None, "Wie lautet Ihr Passwort?", "de", "password"),
    (None, "Quel est votre mot de passe ?", "fr", "password"),
    (None, "Saisissez le code reçu par SMS.", "fr", "one_time_code"),
    ("x", "Enter your password please", "en", "password"),
    # not secrets
    (None, "Never share your PIN with anyone.", "en", None),
    (None, "We will never ask for your password.", "en", None),
    (None, "You can reset your password on our website.", "en", None),
    (None, "Please enter the last 4 digits of your card.", "en", None),
    (None, "What is your card's expiry date?", "en", None),
    (None, "What is your postcode?", "en", None),
    (None, "Enter your promo code at checkout.", "en", None),
    (None, "Deel nooit je pincode met iemand.", "nl", None),
    (None, "Wählen Sie PIN-Zahlung an der Kasse.", "de", None),
    (None, "Ne communiquez jamais votre code secret.", "fr", None),
    ("postcode", None, "en", None),
    ("zip_code", None, "en", None),
    ("promo_code", None, "en", None),
    ("order_code", None, "en", None),
    ("last_four_digits_of_card_number", None, "en", None),
    ("PIN-Zahlung", None, "de", None),
    ("reset_password", None, "en", None),
    ("card_expiry_date", None, "en", None),
]


@pytest.mark.parametrize(("name", "question", "language", "expected"), SECRET_CASES, ids=str)
def test_secret_of(
    name: str | None, question: str | None, language: str, expected: str | None
) -> None:
    assert secret_of(name, question=question, language=language) == expected


# --- contacts ----------------------------------------------------------------------------------

CONTACT_CASES = [
    # (text, [(channel, value), ...])
    ("Call us on +31 20 123 4567.", [("phone", "+31 20 123 4567")]),
    ("Bel ons op 020-7777777.", [("phone", "020-7777777")]),
    ("Onze klantenservice is gratis bereikbaar op 0800 0123.", [("phone", "0800 0123")]),
    ("Call (646) 531-3242 for help.", [("phone", "(646) 531-3242")]),
    ("Call +1-646-531-3242.", [("phone", "+1-646-531-3242")]),
    ("Order flowers by phone: 1-800-FLOWERS.", [("phone", "1-800-FLOWERS")]),
    ("Rufen Sie uns an unter 030 1234567.", [("phone", "030 1234567")]),
    ("Appelez le 01 23 45 67 89.", [("phone", "01 23 45 67 89")]),
    ("Tel: 06-12345678", [("phone", "06-12345678")]),
    (
        "Call 020-7777777 or mail help@bank.nl.",
        [("phone", "020-7777777"), ("email", "help@bank.nl")],
    ),
    (
        "Call us on 0800 0123 or +44 20 7946 0958.",
        [("phone", "0800 0123"), ("phone", "+44 20 7946 0958")],
    ),
    ("Email us at help@bank.nl.", [("email", "help@bank.nl")]),
    ("Mail ons via klantenservice@winkel.nl", [("email", "klantenservice@winkel.nl")]),
    ("Schreiben Sie uns an service@firma.de.", [("email", "service@firma.de")]),
    ("Écrivez-nous à contact@banque.fr.", [("email", "contact@banque.fr")]),
    ("Questions? info@example.org", [("email", "info@example.org")]),
    ("See www.bank.nl/contact.", [("web", "www.bank.nl/contact")]),
    ("Visit https://example.com/support for help.", [("web", "https://example.com/support")]),
    (
        "Neem contact op via https://www.gemeente.nl/melding.",
        [("web", "https://www.gemeente.nl/melding")],
    ),
    ("Kontaktformular: https://www.firma.de/kontakt", [("web", "https://www.firma.de/kontakt")]),
    (
        "Contactez-nous sur https://banque.fr/nous-contacter",
        [("web", "https://banque.fr/nous-contacter")],
    ),
    (
        "Chat with us at bank.com/chat or call 0800 123 4567.",
        [("web", "bank.com/chat"), ("phone", "0800 123 4567")],
    ),
    ("[Contact us](https://shop.com/contact-us)", [("web", "https://shop.com/contact-us")]),
    (
        "Reach our team at +49 30 1234 5678 or team@firma.de",
        [("phone", "+49 30 1234 5678"), ("email", "team@firma.de")],
    ),
    # none
    ("We sent it to jan@example.com.", []),
    ("Is your email jan@example.com correct?", []),
    ("We've sent a confirmation to $session.params.email.", []),
    ("This mail comes from noreply@bank.nl.", []),
    ("Your order number is 123456789.", []),
    ("The amount is 1.234.567 euros.", []),
    ("I want to transfer $55.55 to Amy.", []),
    ("We're open 9.00-17.00.", []),
    ("Your appointment is on 12-03-2024 at 10:30.", []),
    ("IBAN: NL91 ABNA 0417 1643 00.", []),
    ("Postcode 1234 AB.", []),
    ("Version 10.2.3 is out.", []),
    ("Your account number ending in 12345678.", []),
    ("Je ordernummer is 0201234567.", []),
    ("Read our privacy policy at https://example.com/privacy.", []),
    ("More about saving on www.bank.nl/sparen.", []),
    ("Ihre Kundennummer lautet 0301234567.", []),
    ("Le montant est de 1 234 567 euros.", []),
    ("Please enter your email, e.g. name@example.com.", []),
]


@pytest.mark.parametrize(("text", "expected"), CONTACT_CASES, ids=lambda v: str(v)[:40])
def test_contacts_in(text: str, expected: list[tuple[str, str]]) -> None:
    found = contacts_in(text)
    assert [(c.channel, c.value) for c in found] == expected
    for contact in found:
        assert text[contact.start : contact.end] == contact.value


def test_a_contact_is_a_frozen_value() -> None:
    contact = Contact("phone", "020-7777777", 0, 11)
    with pytest.raises(AttributeError):
        contact.value = "x"  # type: ignore[misc]


# --- hours -------------------------------------------------------------------------------------

HOURS_CASES = [
    ("en", "We're available Monday to Friday from 9am to 5pm.", "mo-fr 09:00-17:00"),
    ("en", "Our team is here 24/7.", "24/7"),
    ("en", "We're available around the clock.", "24/7"),
    ("en", "Weekdays 8:30-17:30.", "mo-fr 08:30-17:30"),
    ("en", "Mon-Fri 9:00-17:00, Sat 10:00-14:00.", "mo-fr 09:00-17:00, sa 10:00-14:00"),
    ("en", "Open daily from 8am until midnight.", "mo-su 08:00-24:00"),
    ("en", "Agents are available 9am-5pm Monday to Friday.", "mo-fr 09:00-17:00"),
    (
        "en",
        "Lines are open Monday–Friday 8am–8pm and Saturday 9am–1pm.",
        "mo-fr 08:00-20:00, sa 09:00-13:00",
    ),
    ("en", "Open 1-5pm on Sundays.", "su 13:00-17:00"),
    ("en", "Our agents are available from 9 to 5.", None),
    ("en", "We're open on weekends.", None),
    (
        "nl",
        "We zijn bereikbaar van maandag t/m vrijdag van 8.00 tot 20.00 uur.",
        "mo-fr 08:00-20:00",
    ),
    ("nl", "Wij zijn 24/7 bereikbaar.", "24/7"),
    (
        "nl",
        "Op werkdagen van 9 tot 17 uur en op zaterdag van 10 tot 16 uur.",
        "mo-fr 09:00-17:00, sa 10:00-16:00",
    ),
    ("nl", "Ma-vr 8.30-17.00 uur", "mo-fr 08:30-17:00"),
    ("nl", "We zijn dag en nacht bereikbaar.", "24/7"),
    ("de", "Mo-Fr 8-18 Uhr", "mo-fr 08:00-18:00"),
    (
        "de",
        "Wir sind Mo.-Fr. 8:00 - 18:00 Uhr und Sa. 9-13 Uhr für Sie da.",
        "mo-fr 08:00-18:00, sa 09:00-13:00",
    ),
    ("de", "Wir sind rund um die Uhr erreichbar.", "24/7"),
    ("de", "Montag bis Freitag von 9 bis 17 Uhr", "mo-fr 09:00-17:00"),
    ("fr", "du lundi au vendredi de 9h à 18h", "mo-fr 09:00-18:00"),
    ("fr", "Nous sommes joignables du lundi au samedi de 8h30 à 19h.", "mo-sa 08:30-19:00"),
    ("fr", "Service disponible 24h/24.", "24/7"),
    ("fr", "Ouvert tous les jours de 10h à 22h.", "mo-su 10:00-22:00"),
]


@pytest.mark.parametrize(("language", "text", "expected"), HOURS_CASES, ids=lambda v: str(v)[:40])
def test_hours_in(language: str, text: str, expected: str | None) -> None:
    found = hours_in(text, language)
    assert found is not None
    assert found.normalised == expected
    assert found.text and found.text in text


NO_HOURS = [
    ("en", "Your appointment is on Monday at 9:00."),
    ("en", "Delivery takes 1 to 2 days."),
    ("en", "We'll call you back within 3-5 working days."),
    ("en", "The wait time is 5-10 minutes."),
    ("en", "So we can do that."),
    ("en", "Your total is 10-20 euros."),
    ("nl", "Je pakket komt binnen 2-3 werkdagen."),
    ("nl", "Wat is je ordernummer?"),
    ("de", "Die Lieferung dauert 2-3 Tage."),
    ("fr", "La livraison prend 2 à 3 jours."),
    ("fr", "Je vous transfère à un conseiller."),
]


@pytest.mark.parametrize(("language", "text"), NO_HOURS, ids=lambda v: str(v)[:40])
def test_no_hours(language: str, text: str) -> None:
    assert hours_in(text, language) is None


def test_normalised_hours_are_valid_flow_hours() -> None:
    schema = json.loads(schema_path("flow.schema.json").read_text(encoding="utf-8"))
    pattern = re.compile(_find_key(schema, "hours")["pattern"])
    for language, text, expected in HOURS_CASES:
        found = hours_in(text, language)
        if expected is not None:
            assert found is not None and pattern.match(str(found.normalised)), text


def _find_key(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        if key in node and isinstance(node[key], dict) and "pattern" in node[key]:
            return node[key]
        for value in node.values():
            found = _find_key(value, key)
            if found is not None:
                return found
    if isinstance(node, list):
        for value in node:
            found = _find_key(value, key)
            if found is not None:
                return found
    return None


def test_hours_is_a_frozen_value() -> None:
    assert Hours("24/7", "24/7") == Hours("24/7", "24/7")


# --- sector ------------------------------------------------------------------------------------

SECTOR_CASES = [
    (
        [
            ("en", "Check your mortgage"),
            ("en", "What is your IBAN?"),
            ("en", "Our interest rates"),
            ("en", "Open a savings account"),
        ],
        ["transfer_money"],
        "finance",
    ),
    (
        [
            ("nl", "Wil je een schademelding doen?"),
            ("nl", "Je polis en je premie"),
            ("nl", "Het eigen risico is 385 euro"),
            ("nl", "Je verzekering loopt door"),
        ],
        [],
        "insurance",
    ),
    (
        [
            ("de", "Kein Empfang?"),
            ("de", "Ihr Datenvolumen ist aufgebraucht"),
            ("de", "Roaming im Ausland"),
            ("de", "Ihre SIM-Karte"),
        ],
        ["router_neustarten"],
        "telecom",
    ),
    (
        [
            ("fr", "Suivi de colis"),
            ("fr", "Votre numéro de suivi"),
            ("fr", "Le livreur passe demain"),
            ("fr", "Point relais le plus proche"),
        ],
        [],
        "logistics",
    ),
    (
        [
            ("en", "Report graffiti"),
            ("en", "Report a pothole"),
            ("en", "City council services"),
            ("en", "Parking fine"),
        ],
        [],
        "government",
    ),
    (
        [
            ("nl", "Je meterstand doorgeven"),
            ("nl", "Je termijnbedrag aanpassen"),
            ("nl", "Storing in de stroom? Stroomstoring melden"),
            ("nl", "Je jaarafrekening"),
        ],
        [],
        "utilities",
    ),
    (
        [("en", "Hello"), ("en", "How can I help?"), ("en", "What is your account number?")],
        [],
        None,
    ),
    ([("en", "Pay your bill"), ("en", "Enter your card number"), ("en", "Your balance")], [], None),
]


@pytest.mark.parametrize(("texts", "names", "expected"), SECTOR_CASES, ids=lambda v: str(v)[:30])
def test_sector_of(texts: list[tuple[str, str]], names: list[str], expected: str | None) -> None:
    guess = sector_of(texts, names)
    assert (guess.sector if guess else None) == expected
    if guess is not None:
        assert guess.texts >= 3 and len(guess.evidence) >= 3
        assert all(count >= 1 for _, count in guess.evidence)


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def corpus_texts(folder: Path) -> list[tuple[str, str]]:
    """Every string value (not key) of a project's YAML and JSON files, as English texts: a
    simple reader, so that the sector guess does not depend on an importer."""
    texts: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in {".json", ".yml", ".yaml"} or not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        try:
            data: Any = json.loads(raw) if path.suffix == ".json" else list(yaml.safe_load_all(raw))
        except (ValueError, yaml.YAMLError):
            continue
        texts += [("en", s) for s in _strings(data)]
    return texts


CORPUS_SECTORS = [
    ("RasaHQ__financial-demo", "finance"),
    ("rasa-customers__starterpack-retail-banking-en", "finance"),
    ("Wiikay__CCAI", "telecom"),
    (
        "GoogleCloudPlatform__dialogflow-virtual-agents-financial-services/agent-template-banking",
        "finance",
    ),
    (
        "GoogleCloudPlatform__dialogflow-virtual-agents-financial-services/agent-template-capital-markets",
        "finance",
    ),
    (
        "GoogleCloudPlatform__dialogflow-virtual-agents-financial-services/agent-template-insurance",
        "insurance",
    ),
    ("GoogleCloudPlatform__contact-center-ai-samples/blood-donation-agent", "healthcare"),
    ("GoogleCloudPlatform__contact-center-ai-samples/divebooker-agent", "travel"),
    ("GoogleCloudPlatform__contact-center-ai-samples/goodbye-graffiti-agent", "government"),
    ("GoogleCloudPlatform__dialogflow-ccai-omnichannel/dialogflow/es-agent", "finance"),
]


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        pytest.param(folder, sector, marks=needs_shared("corpus", *folder.split("/")), id=folder)
        for folder, sector in CORPUS_SECTORS
    ],
)
def test_sector_of_real_projects(folder: str, expected: str) -> None:
    guess = sector_of(corpus_texts(SHARED / "corpus" / folder))
    assert guess is not None and guess.sector == expected, guess


# --- handoffs: names, flags, metadata, hosts, written confirmations ------------------------------

HANDOFF = NAMES["handoff"]


def _words(group: Any) -> list[tuple[str, str]]:
    """Every (language, phrase) of a word-list map."""
    return [(language, str(word)) for language in LANGUAGES for word in group[language]]


@pytest.mark.parametrize(("name", "expected"), list(HANDOFF["examples"]["names"].items()))
def test_handoff_examples_in_the_data(name: str, expected: bool) -> None:
    assert names_handoff(name) is expected


@pytest.mark.parametrize(("name", "expected"), list(HANDOFF["examples"]["machine"].items()))
def test_machine_examples_in_the_data(name: str, expected: bool) -> None:
    assert is_machine(name) is expected


@pytest.mark.parametrize(("key", "expected"), list(HANDOFF["examples"]["context"].items()))
def test_context_examples_in_the_data(key: str, expected: str | None) -> None:
    assert context_of({key: True}) == (None if expected is None else frozenset({expected}))


# Each entry of each handoff word list, in every language, does what its list is for.


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["words"]), ids=str)
def test_a_handoff_word_says_it_alone(language: str, word: str) -> None:
    assert names_handoff(f"action_{word}")
    assert not names_handoff(f"{word}_options"), "an offer of a handoff is none"


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["people"]), ids=str)
def test_a_person_needs_a_move_or_a_live_word(language: str, word: str) -> None:
    assert names_handoff(f"transfer_to_{word}") and names_handoff(f"live_{word}")
    alone = any(words_of(word) == words_of(str(w)) for _, w in _words(HANDOFF["live"]))
    assert names_handoff(word) is alone, "only a person who is real by name is enough alone"
    assert not names_handoff(f"{word}_count")


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["live"]), ids=str)
def test_a_live_word_makes_a_person_real(language: str, word: str) -> None:
    assert names_handoff(f"{word}_agent")
    assert not names_handoff(f"{word}_chat_options")


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["moves"]), ids=str)
def test_a_move_takes_the_customer_to_a_person(language: str, word: str) -> None:
    assert names_handoff(f"{word}_medewerker") and names_handoff(f"{word}_agent")
    assert not names_handoff(word) and not names_handoff(f"{word}_money")


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["not"]), ids=str)
def test_a_not_word_says_the_name_is_about_a_handoff(language: str, word: str) -> None:
    assert not names_handoff(f"human_handoff_{word}")
    assert not flags_handoff(f"transfer_{word}", True)


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["flags"]["flag"]), ids=str)
def test_a_flag_word_set_to_true_asks_for_a_handoff(language: str, word: str) -> None:
    assert flags_handoff(word, True) and flags_handoff(word, 1)
    assert not flags_handoff(word, False) and not flags_handoff(f"{word}_amount", True)


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["flags"]["filler"]), ids=str)
def test_a_filler_word_may_stand_in_a_flag(language: str, word: str) -> None:
    assert flags_handoff(f"transfer_{word}_agent", True)
    assert not flags_handoff(f"{word}_agent", True), "a filler word does not make a handoff"


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["flags"]["set"]), ids=str)
def test_a_set_value_is_true(language: str, word: str) -> None:
    assert flags_handoff("live_agent", word) and flags_handoff("transfer", f" {word.upper()} ")
    assert not flags_handoff("transfer_reason", word)


@pytest.mark.parametrize(("language", "word"), _words(HANDOFF["machine"]), ids=str)
def test_a_machine_word_makes_a_host_a_bot(language: str, word: str) -> None:
    assert is_machine(f"helpdesk {word}") and is_machine(word.title())
    assert not names_handoff(f"transfer_to_{word}")


@pytest.mark.parametrize(
    ("item", "language", "word"),
    [
        (item, language, word)
        for item, group in HANDOFF["context"].items()
        for language, word in _words(group)
    ],
    ids=str,
)
def test_a_context_word_names_its_item(item: str, language: str, word: str) -> None:
    assert context_of({word: "x"}) == frozenset({item})
    assert context_of({"data": f"$session.params.{word.replace(' ', '_')}"}) == frozenset({item})
    assert context_of({"queue": "billing", "data": "$flow.account"}) == frozenset(
        {"collected_data"}
    )


def test_the_context_items_are_the_flow_formats() -> None:
    schema = json.loads(schema_path("flow.schema.json").read_text(encoding="utf-8"))
    context = schema["$defs"]["handoff"]["properties"]["context"]["oneOf"][0]
    assert tuple(context["items"]["enum"]) == CONTEXT_ITEMS
    assert set(HANDOFF["context"]) == set(CONTEXT_ITEMS) - {"collected_data"}


# Names the Rasa and the Dialogflow importers used to read differently, and names in each
# language: one reading now.
HANDOFF_NAMES = {
    # a handoff
    "action_human_handoff": True,
    "action_escalate": True,  # Rasa read no handoff: "escalate" needed a person
    "utter_transfer_to_agent": True,  # what the name says; Rasa runs custom actions only
    "escalate_human_agent": True,
    "live_agent": True,  # Rasa read no handoff: "live" was a person, with no move
    "doorverbinden_medewerker": True,  # Dialogflow read English only
    "action_transfer_to_agent": True,
    "transfer_to_human": True,
    "talk_to_agent": True,  # Dialogflow's "agent" needed transfer or connect
    "HANDOVER": True,
    "hand_off_to_staff": True,
    "human": True,
    "medewerker_spreken": True,
    "naar_een_collega": True,
    "Uebergabe_an_Mitarbeiter": True,
    "transfert_vers_conseiller": True,
    # about a handoff, or something else
    "transfer_reason": False,
    "agent_count": False,
    "agent": False,
    "fallback_agent": False,
    "action_handoff_options": False,
    "action_ask_handoff": False,
    "human_handoff_not_available": False,
    "utter_human_handoff_cancelled": False,  # Dialogflow read a handoff: "cancelled" is Rasa's
    "message_to_human_agent": False,  # Rasa read a handoff: "message" is Dialogflow's
    "handoff_type": False,
    "action_transfer_money": False,
    "smalltalk.agent.can_you_help": False,
    "live": False,
    "transfer": False,
    "medewerker": False,
    "medewerker_beschikbaarheid": False,
    "reden_overdracht": False,
    "mitarbeiter_nicht_verfugbar": False,
    "conseiller_non_disponible": False,
    "": False,
}


@pytest.mark.parametrize(("name", "expected"), list(HANDOFF_NAMES.items()))
def test_names_handoff(name: str, expected: bool) -> None:
    assert names_handoff(name) is expected


HANDOFF_FLAGS = [
    # (parameter, value, asks for a handoff?)
    ("transfer", True, True),
    ("transfer", "true", True),
    ("transfer", 1, True),
    ("live_agent", 1, True),
    ("is_live_agent", "yes", True),
    ("transfer_to_a_human", True, True),
    ("escalate", True, True),
    ("action", "HANDOVER", True),
    ("action", "live_agent", True),
    ("doorverbinden", "ja", True),
    ("medewerker_doorverbinden", True, True),
    ("weiterleiten", "wahr", True),
    ("transfer", False, False),
    ("transfer", 0, False),
    ("transfer", "no", False),
    ("transfer", None, False),
    ("transfer", "$session.params.transfer", False),
    ("transfer_reason", "agent", False),
    ("transfer_reason", True, False),
    ("agent_count", 2, False),
    ("transfer_amount", 50, False),
    ("live_agent_available", True, False),
    ("action", "$intent.params.action", False),
    ("action", "CHECK_BALANCE", False),
    ("agent", True, False),
    ("doorverbinden", "nee", False),
    ("reden_doorverbinden", "ja", False),
]


@pytest.mark.parametrize(("name", "value", "expected"), HANDOFF_FLAGS, ids=str)
def test_flags_handoff(name: str, value: Any, expected: bool) -> None:
    assert flags_handoff(name, value) is expected


HANDOFF_CONTEXTS: list[tuple[Any, set[str] | None]] = [
    (
        {"summary": "$session.params.summary", "reason": "$session.params.topic"},
        {"summary", "intent"},
    ),
    ({"conversation_summary": "$request.generative.summary"}, {"summary"}),
    ({"transcript": True, "account": "$session.params.account"}, {"transcript", "collected_data"}),
    ({"data": ["#session.caller_id", {"x": "$flow.sentiment_score"}]}, {"customer", "sentiment"}),
    ({"samenvatting": "$session.params.samenvatting", "taal": "nl"}, {"summary", "language"}),
    ({"Zusammenfassung": "x", "Anliegen": "$flow.grund"}, {"summary", "intent"}),
    ({"queue": "billing", "priority": 1}, None),
    ({}, None),
    ("$session.params.topic", {"intent"}),
    (None, None),
    ([[[[[[[[[[[[[[[[[[[[[[{"summary": 1}]]]]]]]]]]]]]]]]]]]]]], None),  # deeper than anyone nests
]


@pytest.mark.parametrize(("metadata", "expected"), HANDOFF_CONTEXTS, ids=str)
def test_context_of(metadata: Any, expected: set[str] | None) -> None:
    assert context_of(metadata) == (None if expected is None else frozenset(expected))


MACHINES = [
    ("helpdesk_assistant Helpdesk Assistant", True),
    ("support_bot", True),
    ("Virtual Agent", True),
    ("digitale assistent", True),
    ("KI-Assistent", True),
    ("robot conseiller", True),
    ("desk Service desk", False),
    ("live_agent Live Agent", False),
    ("medewerkers klantenservice", False),
    ("Kundenservice", False),
    ("", False),
]


@pytest.mark.parametrize(("name", "expected"), MACHINES, ids=str)
def test_is_machine(name: str, expected: bool) -> None:
    assert is_machine(name) is expected


WRITTEN_CONFIRMATIONS = [
    # (language, text, the channel it says a written confirmation went out by)
    ("en", "Done! We've emailed you a receipt.", "email"),
    ("en", "You will receive a confirmation by email.", "email"),
    ("en", "We've sent a confirmation to your inbox.", "email"),
    ("en", "We've texted you a receipt.", "sms"),
    ("en", "You'll get a copy by text message.", "sms"),
    ("en", "We've posted you a letter with the details.", "letter"),
    ("en", "A summary will come by post. You will receive it in 3 days.", None),
    ("en", "You'll receive a summary by post.", "letter"),
    ("en", "Your payment of {amount} is scheduled. We've emailed you a receipt.", "email"),
    ("en", "Shall we email you a receipt?", None),
    ("en", "We could not send the receipt by email.", None),
    ("en", "We haven't emailed you a receipt yet.", None),
    ("en", "If you confirm, we'll email you a copy.", None),
    ("en", "Please check your email.", None),
    ("en", "You will receive a call from an agent.", None),
    ("en", "We've sent the money.", None),
    ("nl", "We hebben je een bevestiging gemaild.", "email"),
    ("nl", "Je ontvangt een bevestiging per e-mail.", "email"),
    ("nl", "Je krijgt een kopie per sms.", "sms"),
    ("nl", "We sturen je een overzicht per post.", "letter"),
    ("nl", "We hebben je nieuwe pas per post verstuurd.", "letter"),  # "pas" is a card here
    ("nl", "We konden de bevestiging niet mailen.", None),
    ("nl", "Als je bevestigt, mailen we je een kopie.", None),
    ("nl", "Wil je een bevestiging per e-mail?", None),
    ("de", "Sie erhalten eine Bestätigung per E-Mail.", "email"),
    ("de", "Wir haben Ihnen die Quittung per SMS geschickt.", "sms"),
    ("de", "Wir haben Ihnen die Bestätigung als PDF per E-Mail geschickt.", "email"),
    ("de", "Die E-Mail wurde nicht gesendet.", None),
    ("fr", "Nous vous avons envoyé un reçu par e-mail.", "email"),
    ("fr", "Vous recevrez une confirmation par SMS.", "sms"),
    ("fr", "Nous vous enverrons un récapitulatif par courrier.", "letter"),
    ("fr", "Nous n'avons pas pu envoyer le reçu par e-mail.", None),
    ("*", "Nous vous avons envoyé un reçu par e-mail.", "email"),
    ("*", "We've emailed you a receipt.", "email"),
    ("en", "We hebben je een bevestiging gemaild.", None),  # read in its own language only
]


@pytest.mark.parametrize(("language", "text", "expected"), WRITTEN_CONFIRMATIONS, ids=str)
def test_written_confirmation(language: str, text: str, expected: str | None) -> None:
    assert written_confirmation(text, language) == expected


def test_handoff_words_cut_no_compound_apart() -> None:
    """The handoff section's short verbs and particles are no parts of compounds: "output",
    "latest" and "overview" stay whole (else "latest" would read as lat + est, a location)."""
    for word in ("output", "latest", "overview", "realtime", "takeover", "handbook"):
        assert words_of(word) == (word,)
    assert personal_category("latest") is None


# --- names, placeholders, speed, shape --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("action_pay_cc", ("action", "pay", "cc")),
        ("accountNumber", ("account", "number")),
        ("billing.make_payment", ("billing", "make", "payment")),
        ("Make A Payment", ("make", "a", "payment")),
        ("kontonummer", ("kontonummer",)),
        ("Zahlungsdatum", ("zahlung", "datum")),
        ("dateofbirth", ("dateofbirth",)),
        ("emailaddress", ("email", "address")),
        ("Rueckerstattung", ("ruckerstattung",)),
        ("last4digits", ("last", "4", "digits")),
    ],
)
def test_words_of(name: str, words: tuple[str, ...]) -> None:
    assert words_of(name) == words


LONG = ("Call 020 123 4567 " + "a1 " * 5000 + "x" * 50000 + " 9-17 " + "1234567 " * 2000)[:100_000]


@pytest.mark.parametrize(
    "call",
    [
        lambda t: promises_transfer(t, "en"),
        lambda t: promises_transfer(t, "*"),
        lambda t: agreement_of_text(t, "en"),
        lambda t: written_confirmation(t, "*"),
        lambda t: contacts_in(t),
        lambda t: hours_in(t, "*"),
        lambda t: secret_of(question=t),
        lambda t: personal_category("x", question=t),
        lambda t: sector_of([("en", t)]),
    ],
)
@pytest.mark.parametrize(
    "text",
    [LONG, "+" * 100_000, "1" * 100_000, "a@" * 50_000, "www." + "a." * 49_990, "{" * 100_000],
    ids=["mixed", "plus", "digits", "at", "dots", "braces"],
)
def test_a_100_kb_text_is_read_in_linear_time(call: Any, text: str) -> None:
    started = time.perf_counter()
    call(text)
    assert time.perf_counter() - started < 3.0


def test_the_module_examples_hold() -> None:
    for name in (
        "agreements",
        "contacts",
        "handoff",
        "hours",
        "personal",
        "sector",
        "texts",
        "transfer",
        "words",
    ):
        module = importlib.import_module(f"cxaudit.evidence.{name}")
        assert doctest.testmod(module).failed == 0, name


def test_the_layer_sits_at_the_data_level() -> None:
    above = (
        "cxaudit.checks",
        "cxaudit.importers",
        "cxaudit.formatters",
        "cxaudit.engine",
        "cxaudit.cli",
    )
    for path in sorted((ROOT / "cxaudit" / "evidence").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        imported = re.findall(r"^\s*(?:from|import) (cxaudit[\w.]*)", source, re.MULTILINE)
        assert not [m for m in imported if m.startswith(above)], path.name
        assert len(source.splitlines()) <= 400, f"{path.name} is past 400 lines"
