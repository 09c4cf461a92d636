"""Does a bot text promise the customer a person? (CX04's vocabulary, read with care.)

The announcements are the CX04 lexicon's entries of kind ``transfer`` plus the few shapes in
``rules/lexicons/transfer-announce.<lang>.yaml`` that a handoff step's text does not need but an
importer, which has to *find* the handoff, does ("Let me connect you."). A sentence that names a
transfer still promises none when ``rules/lexicons/transfer-blockers.<lang>.yaml`` finds that
it asks, offers, reports a wish, refuses, holds back on a condition or moves money, when it ends
with a question mark, or when a negation stands just before the announcement ("I'm not able to
transfer you"). A refusal counts in the clause of the announcement or after it ("..., but none
are available"), not before it ("I can't answer that, so I'm connecting you with a colleague").
"""

from __future__ import annotations

from cxaudit.evidence.texts import clauses, is_question, lexicon, sentences, without_placeholders
from cxaudit.evidence.words import languages_for
from cxaudit.lexicon import Lexicon

_ANNOUNCERS = ("CX04", "transfer-announce")
# Blockers that count anywhere in the sentence; a refusal only from the announcement on.
_SENTENCE_WIDE = frozenset({"question", "offer", "wish", "condition", "money"})


def promises_transfer(text: str, language: str) -> bool:
    """Does ``text`` tell the customer they are being, or will be, connected to a person?

    ``language`` is the text's language (``nl``, ``en-GB``, ...); ``*`` or a language without
    vocabulary reads it in all of nl, en, de and fr.

    >>> promises_transfer("One moment, I'm connecting you to a colleague.", "en")
    True
    >>> promises_transfer("Shall I connect you to an agent?", "en")
    False
    >>> promises_transfer("I can't transfer you right now.", "en")
    False
    >>> promises_transfer("Ik verbind je door met een medewerker.", "nl")
    True
    """
    clean = without_placeholders(text)
    for sentence in sentences(clean):
        if is_question(sentence):
            continue
        for lang in languages_for(language):
            if _promises(sentence, lang):
                return True
    return False


def _promises(sentence: str, language: str) -> bool:
    announcers = [lex for name in _ANNOUNCERS if (lex := lexicon(name, language)) is not None]
    found = [
        match
        for lex in announcers
        for match in lex.find(sentence)
        if match.entry.attrs.get("kind") == "transfer"
    ]
    if not found or all(match.negated for match in found):
        return False
    blockers = lexicon("transfer-blockers", language)
    if blockers is None:
        return True
    if any(m.entry.attrs.get("kind") in _SENTENCE_WIDE for m in blockers.find(sentence)):
        return False
    return not _refused(sentence, announcers, blockers)


def _refused(sentence: str, announcers: list[Lexicon], blockers: Lexicon) -> bool:
    """Is there a refusal in the clause of the first announcement, or in a clause after it?"""
    parts = clauses(sentence)
    start = 0
    for index, part in enumerate(parts):
        if any(
            m.entry.attrs.get("kind") == "transfer" for lex in announcers for m in lex.find(part)
        ):
            start = index
            break
    return any(
        m.entry.attrs.get("kind") == "refusal"
        for part in parts[start:]
        for m in blockers.find(part)
    )
