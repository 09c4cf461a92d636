"""Content evidence: what a bot's texts and names say, read the same way for every importer.

One layer answers the questions the importers (Rasa, Dialogflow CX and ES) ask of a project's
content, in Dutch, English, German and French, with its vocabulary as data in ``rules/``:

- :func:`promises_transfer`: does a text tell the customer they are connected to a person?
- :func:`agreement_of_name`, :func:`agreement_of_text`: which agreement (order, cancellation,
  refund, appointment, contract change, payment) an action name makes or a text reports;
- :func:`personal_category`: which personal data a slot or parameter holds;
- :func:`secret_of`: does a slot or question ask for a secret a bot must never ask for?
- :func:`contacts_in`: the phone numbers, e-mail addresses and contact pages a text gives;
- :func:`hours_in`: opening hours a text states, in the flow format's syntax;
- :func:`sector_of`: the sector a bot works in, with its evidence;
- :func:`names_handoff`, :func:`flags_handoff`: does an action, webhook, parameter or payload
  name (or a parameter preset) hand the customer over to a person?
- :func:`context_of`: what a handoff's metadata says the agent receives;
- :func:`is_machine`: is a handoff host another bot?
- :func:`written_confirmation`: does a text say a written confirmation went out, and how?

Everything here is a pure function of its arguments and the shipped data: deterministic,
cached where it compiles patterns, and linear in the length of a text. It sits at the data
level: it reads :mod:`cxaudit.lexicon` and :mod:`cxaudit.resources`, never the rules, the
importers or the formatters.

Data files: ``rules/evidence/names.yaml`` (words in names), ``contacts.yaml``, ``hours.yaml``,
``sectors.yaml``, and the phrase lexicons ``rules/lexicons/transfer-announce``,
``transfer-blockers``, ``agreement-made``, ``personal-question``, ``secret-request`` and
``written-confirmation`` (``.nl``, ``.en``, ``.de``, ``.fr``), besides CX04's transfer entries.
"""

from __future__ import annotations

from cxaudit.evidence.agreements import AGREEMENTS, agreement_of_name, agreement_of_text
from cxaudit.evidence.contacts import Contact, contacts_in
from cxaudit.evidence.handoff import (
    CHANNELS,
    CONTEXT_ITEMS,
    context_of,
    flags_handoff,
    is_machine,
    names_handoff,
    written_confirmation,
)
from cxaudit.evidence.hours import Hours, hours_in
from cxaudit.evidence.personal import CATEGORIES, SECRETS, personal_category, secret_of
from cxaudit.evidence.sector import SECTORS, SectorGuess, sector_of
from cxaudit.evidence.transfer import promises_transfer
from cxaudit.evidence.words import LANGUAGES, EvidenceDataError, words_of

__all__ = [
    "AGREEMENTS",
    "CATEGORIES",
    "CHANNELS",
    "CONTEXT_ITEMS",
    "LANGUAGES",
    "SECRETS",
    "SECTORS",
    "Contact",
    "EvidenceDataError",
    "Hours",
    "SectorGuess",
    "agreement_of_name",
    "agreement_of_text",
    "contacts_in",
    "context_of",
    "flags_handoff",
    "hours_in",
    "is_machine",
    "names_handoff",
    "personal_category",
    "promises_transfer",
    "secret_of",
    "sector_of",
    "words_of",
    "written_confirmation",
]
