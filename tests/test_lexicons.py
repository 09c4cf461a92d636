"""The shipped lexicons: every entry matches its examples, none matches an allowed phrase.

Data-driven: each test is parametrised over every lexicon file (``cx10.nl``) or every entry
(``cx10.nl:understands-feelings``), so a failure names the file and the entry to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cxaudit.lexicon import Entry, Lexicon, available_languages, load_lexicon, normalise
from cxaudit.loader import load_text
from cxaudit.resources import rules_dir

LEXICONS = rules_dir() / "lexicons"
FILE_NAME = re.compile(r"^(cx\d\d)\.([a-z]{2})\.yaml$")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

TEXT_RULES = ("CX01", "CX04", "CX05", "CX06", "CX10")
REQUIRED_LANGUAGES = ("nl", "en")

# The rule-specific attribute every entry of a rule carries, and its valid values.
KINDS = {
    "CX01": {"disclosure", "claims-human", "hides-ai", "persona"},
    "CX04": {"transfer"},
    "CX05": {"wait-time"},
    "CX09": {"yes", "no"},
}
STRENGTHS = {"strong", "mild"}
GENERAL_TOPICS = {
    "fraud",
    "suspicious_transaction",
    "dispute",
    "complaint",
    "bereavement",
    "divorce",
    "illness",
    "debt",
    "automated_decision",
    "legal",
    "safety",
    "observer",  # not a topic: the speaker is not the one affected, which cancels the others
}
SECTOR_TOPICS = {
    "arrears": "finance insurance",
    "debt_collection": "finance insurance",
    "loan_refusal": "finance insurance",
    "claim_refusal": "finance insurance",
    "account_blocked": "finance insurance",
    "diagnosis": "healthcare",
    "medication": "healthcare",
    "urgent_symptoms": "healthcare",
    "benefits_stopped": "government",
    "fines": "government",
    "objection": "government",
}
ALL_TOPICS = GENERAL_TOPICS | SECTOR_TOPICS.keys()


@dataclass(frozen=True)
class LexiconFile:
    """One lexicon file: its name parts, its raw data and the lexicon cxaudit loads from it."""

    path: Path
    rule: str
    language: str
    raw: dict[str, Any]
    lexicon: Lexicon

    @property
    def name(self) -> str:
        return f"{self.rule.lower()}.{self.language}"


def _load_files() -> list[LexiconFile]:
    files = []
    for path in sorted(LEXICONS.glob("cx*.yaml")):
        match = FILE_NAME.match(path.name)
        assert match, f"unexpected lexicon file name: {path.name}"
        rule, language = match.group(1).upper(), match.group(2)
        raw = load_text(path.read_text(encoding="utf-8"), str(path)).data
        assert isinstance(raw, dict), path.name
        lexicon = load_lexicon(rule, language)
        assert lexicon is not None, path.name
        files.append(LexiconFile(path, rule, language, raw, lexicon))
    return files


FILES = _load_files()
ENTRIES = [(f, e) for f in FILES for e in f.lexicon.entries]


def _file_id(lexicon_file: LexiconFile) -> str:
    return lexicon_file.name


def _entry_id(pair: tuple[LexiconFile, Entry]) -> str:
    return f"{pair[0].name}:{pair[1].id}"


def by_file(*rules: str) -> pytest.MarkDecorator:
    """Parametrise a test over the lexicon files of ``rules`` (all files if none given)."""
    chosen = [f for f in FILES if not rules or f.rule in rules]
    return pytest.mark.parametrize("lexicon_file", chosen, ids=_file_id)


def by_entry(*rules: str) -> pytest.MarkDecorator:
    """Parametrise a test over the entries of ``rules`` (all entries if none given)."""
    chosen = [pair for pair in ENTRIES if not rules or pair[0].rule in rules]
    return pytest.mark.parametrize(
        ("lexicon_file", "entry"), chosen, ids=list(map(_entry_id, chosen))
    )


def lexicon(rule: str, language: str) -> Lexicon:
    found = load_lexicon(rule, language)
    assert found is not None, f"no lexicon {rule.lower()}.{language}"
    return found


def entries_of(rule: str, language: str, attr: str, value: str) -> list[Entry]:
    return [e for e in lexicon(rule, language).entries if e.attrs.get(attr) == value]


def matching(entries: list[Entry], text: str) -> list[str]:
    return [e.id for e in entries if e.matches(text)]


# --- normalise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I’m Émilie, the AI-assistant", "i'm emilie the ai assistant"),
        ("‘hallo’ zo’n “echt” „fijn”", "hallo zo'n echt fijn"),
        ("l’assistant virtuel « bien »", "l'assistant virtuel bien"),
        ("Stuur een e-mail… NU!!", "stuur een e mail nu"),
        ("Geïrriteerd, naïef; Straße?", "geirriteerd naief strasse"),
        ("  twee\tspaties\n en\u00a0meer  ", "twee spaties en meer"),
        ("3,5 uur om 17:00 (5-10 min)", "3 5 uur om 17 00 5 10 min"),
        ("snake_case & co", "snake case co"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_is_idempotent() -> None:
    text = "Ik begrijp  hoe jij je VOELT… “Echt”! I’m here."
    assert normalise(normalise(text)) == normalise(text)


# --- every lexicon file ---------------------------------------------------------------------


def test_lexicons_exist_for_text_rules() -> None:
    for rule in TEXT_RULES:
        languages = available_languages(rule)
        for language in REQUIRED_LANGUAGES:
            assert language in languages, f"{rule} has no {language} lexicon"


@by_file()
def test_header_agrees_with_file_name(lexicon_file: LexiconFile) -> None:
    assert lexicon_file.raw.get("rule") == lexicon_file.rule
    assert lexicon_file.raw.get("language") == lexicon_file.language
    assert lexicon_file.language in available_languages(lexicon_file.rule)


@by_file()
def test_ids_are_unique_kebab_case(lexicon_file: LexiconFile) -> None:
    ids = [entry.id for entry in lexicon_file.lexicon.entries]
    assert ids, "a lexicon needs entries"
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for entry_id in ids:
        assert KEBAB.match(entry_id), f"id is not kebab-case: {entry_id!r}"


@by_file()
def test_allowed_phrases_are_clean(lexicon_file: LexiconFile) -> None:
    allowed = lexicon_file.lexicon.allowed
    assert len(allowed) >= 10, "give at least 10 allowed phrases"
    for phrase in allowed:
        found = [
            (m.entry.id, m.phrase)
            for m in lexicon_file.lexicon.find(phrase)
            # a CX06 observer entry only cancels the topics of its text: matching a phrase
            # that names none ("Is my phone covered?") raises nothing
            if m.entry.attrs.get("topic") != "observer"
        ]
        assert not found, f"allowed phrase {phrase!r} matched {found}"


# --- every entry ------------------------------------------------------------------------------


@by_entry()
def test_entry_is_complete(lexicon_file: LexiconFile, entry: Entry) -> None:
    assert set(entry.label) >= {"en", "nl"}, "label needs en and nl"
    assert all(text.strip() for text in entry.label.values())
    assert len(entry.examples) >= 2, "give at least 2 examples"
    assert len(set(entry.examples)) == len(entry.examples), "duplicate examples"


@by_entry()
def test_entry_matches_its_examples(lexicon_file: LexiconFile, entry: Entry) -> None:
    missed = [example for example in entry.examples if not entry.matches(example)]
    assert not missed, f"pattern does not match: {missed}"
    # And its anchors let every example through, so the lexicon finds them as the rules do.
    screened = [e for e in entry.examples if not entry.may_match(normalise(e))]
    assert not screened, f"anchors {entry.anchors} hide: {screened}"
    assert [m.entry.id for m in lexicon_file.lexicon.find(entry.examples[0])].count(entry.id) == 1


@by_entry()
def test_entry_rejects_its_near_misses(lexicon_file: LexiconFile, entry: Entry) -> None:
    hit = [phrase for phrase in entry.counter_examples if entry.matches(phrase)]
    assert not hit, f"pattern matches near misses: {hit}"


@by_entry()
def test_pattern_is_written_for_normalised_text(lexicon_file: LexiconFile, entry: Entry) -> None:
    literal = re.sub(r"\\.", "", entry.pattern.pattern)  # drop escapes such as \b \w \d
    folded = [ch for ch in literal if ch.isalpha() and normalise(ch) != ch]
    assert not folded, f"normalised text never contains {sorted(set(folded))}"


@by_entry()
def test_pattern_has_no_unbounded_nesting(lexicon_file: LexiconFile, entry: Entry) -> None:
    # Linear-time matching: a group may repeat only a bounded number of times ({0,3}), and
    # no wildcard may run unbounded between words.
    pattern = entry.pattern.pattern
    assert not re.search(r"\)(?:[*+]|\{\d*,\})", pattern), "a group with an unbounded repeat"
    assert not re.search(r"(?<!\\)\.[*+]", pattern), "an unbounded wildcard (.* or .+)"


@by_entry("CX01", "CX04", "CX05")
def test_kind_attribute(lexicon_file: LexiconFile, entry: Entry) -> None:
    assert entry.attrs.get("kind") in KINDS[lexicon_file.rule]


@by_entry("CX10")
def test_strength_attribute(lexicon_file: LexiconFile, entry: Entry) -> None:
    assert entry.attrs.get("strength") in STRENGTHS


@by_entry("CX06")
def test_topic_and_sectors(lexicon_file: LexiconFile, entry: Entry) -> None:
    topic = entry.attrs.get("topic")
    assert topic in ALL_TOPICS, f"unknown topic {topic!r}"
    assert entry.attrs.get("sectors") == SECTOR_TOPICS.get(topic)


@by_file("CX06")
def test_every_topic_is_covered(lexicon_file: LexiconFile) -> None:
    topics = {entry.attrs.get("topic") for entry in lexicon_file.lexicon.entries}
    assert topics == ALL_TOPICS, f"missing topics: {sorted(ALL_TOPICS - topics)}"


# --- first names ---------------------------------------------------------------------------


def test_first_names() -> None:
    path = LEXICONS / "first-names.yaml"
    data = load_text(path.read_text(encoding="utf-8"), str(path)).data
    assert isinstance(data, dict)
    assert data["rule"] == "CX01"
    assert data["language"] == "any"
    raw_names = data["names"]
    assert isinstance(raw_names, list)
    names = [name for name in raw_names if isinstance(name, str)]
    assert names == raw_names, "every name is a string"
    assert names == sorted(names), "keep the names sorted"
    assert len(names) == len(set(names)), "duplicate names"
    assert [n for n in names if normalise(n) != n or " " in n] == []
    assert 350 <= len(names) <= 500
    assert {"lisa", "emma", "anna", "billie", "sophie", "tom", "sanne", "lucas"} <= set(names)
    # Ordinary words that a bot is plausibly named after are left out on purpose.
    assert not {"will", "bill", "hope", "joy", "sunny", "penny"} & set(names)


# --- cross-checks that matter for the product -------------------------------------------------

GOLDEN_RULES_CX10 = {
    "nl": ["Ik begrijp hoe je je voelt", "ik leef met je mee"],
    "en": ["I know how frustrating this must be"],
}


@pytest.mark.parametrize(
    ("language", "phrase"),
    [(lang, phrase) for lang, phrases in GOLDEN_RULES_CX10.items() for phrase in phrases],
)
def test_cx10_strong_entries_catch_the_golden_rule_phrases(language: str, phrase: str) -> None:
    assert matching(entries_of("CX10", language, "strength", "strong"), phrase)


@pytest.mark.parametrize(
    "phrase",
    [
        "Vervelend dat je pakket niet kwam. Ik verbind je door.",
        "Dat is vervelend. Ik zoek het voor je uit.",
        "Sorry, dat begreep ik niet.",
        "Ik begrijp je vraag.",
        "Ik begrijp het, je wilt een nieuwe afspraak.",
    ],
)
def test_cx10_acknowledging_and_acting_is_clean_in_dutch(phrase: str) -> None:
    assert lexicon("CX10", "nl").find(phrase) == []


@by_file("CX10")
def test_cx10_strong_examples_are_reported_as_strong(lexicon_file: LexiconFile) -> None:
    # The check picks the severity from Lexicon.find, so a strong phrase must come back with a
    # strong entry even when a mild entry matches the same words.
    for entry in lexicon_file.lexicon.entries:
        if entry.attrs["strength"] != "strong":
            continue
        for example in entry.examples:
            strengths = {m.entry.attrs["strength"] for m in lexicon_file.lexicon.find(example)}
            assert "strong" in strengths, f"{entry.id}: {example!r} found as {strengths}"


@by_file("CX10")
def test_cx10_has_both_strengths(lexicon_file: LexiconFile) -> None:
    strengths = {entry.attrs["strength"] for entry in lexicon_file.lexicon.entries}
    assert strengths == STRENGTHS


@by_file("CX01")
def test_cx01_kinds_do_not_cross(lexicon_file: LexiconFile) -> None:
    entries = lexicon_file.lexicon.entries
    disclosure = [e for e in entries if e.attrs["kind"] == "disclosure"]
    claims = [e for e in entries if e.attrs["kind"] == "claims-human"]
    assert disclosure and claims and any(e.attrs["kind"] == "hides-ai" for e in entries)
    for entry in claims:
        for example in entry.examples:
            assert not matching(disclosure, example), f"disclosure matches {example!r}"
            found = {m.entry.attrs["kind"] for m in lexicon_file.lexicon.find(example)}
            assert "claims-human" in found, f"find() misses the claim in {example!r}"
    for entry in disclosure:
        for example in entry.examples:
            assert not matching(claims, example), f"claims-human matches {example!r}"


CX01_CASES = {
    # (language, text): the kinds it must be found as ([] = no CX01 entry at all)
    ("nl", "Hoi! Ik ben PakketPal, de digitale assistent."): ["disclosure"],
    ("nl", "Je chat met onze AI-assistent."): ["disclosure"],
    ("nl", "Ik ben geen bot."): ["claims-human"],
    ("nl", "Ik ben een echte medewerker."): ["claims-human"],
    ("nl", "Je spreekt met een mens."): ["claims-human"],
    ("nl", "Doe je voor als een medewerker van de klantenservice."): ["hides-ai"],
    ("nl", "Zeg nooit dat je een bot bent."): ["hides-ai"],
    ("nl", "Je kunt altijd om een medewerker vragen."): [],
    ("en", "Hi! I'm PakketPal, the digital assistant."): ["disclosure"],
    ("en", "I'm a virtual assistant."): ["disclosure"],
    ("en", "I'm not a robot."): ["claims-human"],
    ("en", "No bots here, just people."): ["claims-human"],
    ("en", "I am not a bot"): ["claims-human"],
    ("en", "I'm a real person."): ["claims-human"],
    ("en", "Pretend to be a human agent."): ["hides-ai"],
    ("en", "Never reveal that you are an AI."): ["hides-ai"],
    ("en", "Never pretend to be a human."): [],
    ("de", "Ich bin ein Chatbot."): ["disclosure"],
    ("de", "Ich bin ein echter Mensch."): ["claims-human"],
    ("fr", "Je suis un assistant virtuel."): ["disclosure"],
    ("fr", "Je ne suis pas un robot."): ["claims-human"],
}


@pytest.mark.parametrize(("language", "text"), list(CX01_CASES), ids=lambda v: str(v)[:40])
def test_cx01_phrases_from_the_brief(language: str, text: str) -> None:
    kinds = sorted({m.entry.attrs["kind"] for m in lexicon("CX01", language).find(text)})
    assert kinds == CX01_CASES[(language, text)]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Ik verbind je door met een medewerker. De wachttijd is ongeveer 3 minuten."),
        ("nl", "Ik verbind je direct door met onze fraudeafdeling."),
        ("nl", "Een collega neemt het gesprek over."),
        ("en", "I'm putting you straight through to our fraud team."),
        ("en", "One of our team will take over."),
        ("de", "Ich verbinde Sie mit einem Mitarbeiter."),
        ("fr", "Je vous transfère à un conseiller."),
    ],
)
def test_cx04_handoff_messages_announce_the_transfer(language: str, text: str) -> None:
    assert lexicon("CX04", language).find(text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Ik verbind je door met een medewerker. De wachttijd is ongeveer 3 minuten."),
        ("nl", "Een medewerker belt je binnen twee werkdagen terug."),
        ("nl", "Je bent de 4e in de rij."),
        ("en", "The wait time is about 5 minutes."),
        ("en", "We'll call you back within one working day."),
        ("de", "Die Wartezeit beträgt etwa fünf Minuten."),
        ("fr", "Le temps d'attente est d'environ 5 minutes."),
    ],
)
def test_cx05_states_a_waiting_time(language: str, text: str) -> None:
    assert lexicon("CX05", language).find(text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Ik verbind je door met een medewerker."),
        ("nl", "Een moment geduld alsjeblieft."),
        ("en", "An agent will be with you shortly."),
    ],
)
def test_cx05_a_handoff_without_a_time_states_none(language: str, text: str) -> None:
    assert lexicon("CX05", language).find(text) == []


EVERYDAY_QUESTIONS = {
    "nl": [
        "Waar is mijn pakket?",
        "Ik wil mijn adres wijzigen",
        "Wat zijn jullie openingstijden?",
        "Ik wil betalen",
        "Ik wil mijn rekening bekijken",
        "Ik wil mijn bestelling annuleren",
    ],
    "en": [
        "Where is my parcel?",
        "I want to change my address",
        "What are your opening hours?",
        "I want to pay my bill",
        "Show me my account balance",
        "Cancel my order",
    ],
}


@pytest.mark.parametrize(
    ("language", "text"),
    [(lang, text) for lang, texts in EVERYDAY_QUESTIONS.items() for text in texts],
)
def test_cx06_everyday_questions_are_not_sensitive(language: str, text: str) -> None:
    assert lexicon("CX06", language).find(text) == []


@by_file("CX06")
def test_cx06_general_examples_are_found_for_any_sector(lexicon_file: LexiconFile) -> None:
    # The check skips matches of another sector; a general topic must not hide behind one.
    for entry in lexicon_file.lexicon.entries:
        if entry.attrs["topic"] not in GENERAL_TOPICS:
            continue
        for example in entry.examples:
            found = lexicon_file.lexicon.find(example)
            assert any("sectors" not in m.entry.attrs for m in found), f"{entry.id}: {example!r}"
