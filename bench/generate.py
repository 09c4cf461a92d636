"""Generate large, realistic flow files for benchmarks: cxaudit's own scale tests.

    python bench/generate.py 10000 > /tmp/bot-10k.flow.yaml

Each topic flow has questions with options and fallbacks, actions with agreements and written
confirmations, consent before marketing data, handoffs with waiting times, sensitive intents, and
long Dutch and English texts, so every rule has real work to do.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

NL_TEXTS = [
    "Ik zoek het even voor je op. Dit kan een paar seconden duren, want ik kijk in ons systeem naar je bestelling en de laatste status bij de vervoerder.",
    "Je kunt je bestelling binnen dertig dagen kosteloos retourneren. Gebruik het retourlabel uit de doos of maak een nieuw label aan in je account.",
    "Vervelend dat je pakket niet op tijd kwam. Ik kijk wat er mis is gegaan en wat we nu voor je kunnen doen.",
]
EN_TEXTS = [
    "Let me look that up for you. This may take a few seconds while I check our system for your order and the latest status from the carrier.",
    "You can return your order free of charge within thirty days. Use the return label in the box or create a new one in your account.",
    "Sorry your parcel did not arrive on time. I'll check what went wrong and what we can do for you now.",
]

HEADER = """\
cxaudit: 1
bot:
  name: MegaBot
  organisation: Voorbeeld Telecom B.V.
  sector: telecom
  languages: [nl, en]
  channels: [web_chat, app_chat]
  start: welcome
humans:
  - {id: live_chat, channel: live_chat, hours: "mo-fr 08:00-20:00, sa 09:00-17:00", expected_wait: 3m}
  - {id: phone, channel: phone, hours: "mo-fr 08:00-20:00", expected_wait: 5m}
  - {id: callback, channel: callback, hours: 24/7, expected_wait: 1d}
handoff:
  context: [summary, transcript, customer, intent]
  outside_hours: callback
escalation:
  fallback: {retries: 1, then: to_agent}
  upset: to_agent
privacy:
  policy_url: https://example.nl/privacy
  data:
    - {field: customer_number, category: identifier, basis: contract, purpose: Klant opzoeken, retention: 90d}
    - {field: email, category: contact, basis: consent, purpose: Aanbiedingen sturen, retention: 1y}
intents:
  - id: ask_human
    examples: {nl: [ik wil een medewerker, mens spreken], en: [talk to a person, agent please]}
    goto: to_agent
    global: true
  - id: report_fraud
    topic: fraud
    examples: {nl: [fraude melden, ik ben opgelicht], en: [report fraud, I was scammed]}
    goto: fraud_desk
"""


def write(steps: int, out: TextIO) -> None:
    per_flow = 10
    flows = max(1, (steps - 4) // per_flow)
    out.write(HEADER)
    for f in range(flows):
        out.write(
            f"  - id: topic_{f}\n    examples: {{nl: [vraag over onderwerp {f}], en: [question about topic {f}]}}\n"
        )
    out.write("flows:\n  - id: main\n    steps:\n")
    out.write(
        "      - id: welcome\n"
        "        say: {nl: 'Hoi! Ik ben MegaBot, de digitale assistent. Je kunt altijd om een medewerker vragen.',"
        ' en: "Hi! I\'m MegaBot, the digital assistant. You can ask for a person at any time."}\n'
        "        next: menu\n"
        "      - id: menu\n"
        "        ask: {nl: Waarmee kan ik je helpen?, en: How can I help?}\n"
        "        options:\n"
        "          - {label: {nl: Medewerker, en: Agent}, goto: to_agent}\n"
        "          - {label: {nl: Klaar, en: Done}, goto: bye}\n"
        "        on:\n"
    )
    for f in range(flows):
        out.write(f"          topic_{f}: t{f}_ask\n")
    out.write(
        "      - id: to_agent\n"
        "        say: {nl: Ik verbind je door met een medewerker. De wachttijd is ongeveer 3 minuten.,"
        " en: I'm transferring you to a colleague. The wait is about 3 minutes.}\n"
        "        handoff: live_chat\n"
        "      - id: fraud_desk\n"
        "        say: {nl: Ik verbind je direct door met onze fraudeafdeling. De wachttijd is 1 minuut.,"
        " en: I'm putting you straight through to our fraud team. The wait is 1 minute.}\n"
        "        handoff: phone\n"
        "      - id: bye\n"
        "        say: {nl: Fijne dag!, en: Have a nice day!}\n"
        "        end: true\n"
    )
    for f in range(flows):
        nl, en = NL_TEXTS[f % 3], EN_TEXTS[f % 3]
        p = f"t{f}_"
        out.write(
            f"  - id: topic_flow_{f}\n"
            f"    steps:\n"
            f"      - id: {p}ask\n"
            f"        ask: {{nl: 'Wat is je klantnummer? ({f})', en: 'What is your customer number? ({f})'}}\n"
            f"        collect: customer_number\n"
            f"        next: {p}lookup\n"
            f"      - id: {p}lookup\n"
            f"        action: lookup_{f}\n"
            f"        say: {{nl: '{nl}', en: \"{en}\"}}\n"
            f"        next: {p}offer\n"
            f"      - id: {p}offer\n"
            f"        ask: {{nl: 'We passen je abonnement aan per volgende maand. Klopt dat?', en: 'We will change your plan from next month. Is that right?'}}\n"
            f"        options:\n"
            f"          - {{label: {{nl: Ja, en: 'Yes'}}, goto: {p}change}}\n"
            f"          - {{label: {{nl: Nee, en: 'No'}}, goto: {p}consent}}\n"
            f"        fallback: {{retries: 1, then: to_agent}}\n"
            f"      - id: {p}change\n"
            f"        action: change_plan_{f}\n"
            f"        agreement: contract_change\n"
            f"        confirm: {{channel: email}}\n"
            f"        say: {{nl: Je krijgt een bevestiging per e-mail., en: You will get a confirmation by email.}}\n"
            f"        next: {p}consent\n"
            f"      - id: {p}consent\n"
            f"        consent: {{fields: [email], purpose: Aanbiedingen sturen}}\n"
            f"        ask: {{nl: Mogen we je e-mailadres gebruiken voor aanbiedingen?, en: May we use your email address for offers?}}\n"
            f"        options:\n"
            f"          - {{label: {{nl: Ja, en: 'Yes'}}, goto: {p}email}}\n"
            f"          - {{label: {{nl: Nee, en: 'No'}}, goto: {p}more}}\n"
            f"      - id: {p}email\n"
            f"        ask: {{nl: Wat is je e-mailadres?, en: What is your email address?}}\n"
            f"        collect: email\n"
            f"        next: {p}thanks\n"
            f"      - id: {p}thanks\n"
            f"        say: {{nl: 'Dank je, dat is genoteerd.', en: 'Thank you, that is noted.'}}\n"
            f"        next: {p}more\n"
            f"      - id: {p}more\n"
            f"        ask: {{nl: Kan ik nog iets voor je doen?, en: Can I help with anything else?}}\n"
            f"        options:\n"
            f"          - {{label: {{nl: Ja, en: 'Yes'}}, goto: menu}}\n"
            f"          - {{label: {{nl: Nee, en: 'No'}}, goto: {p}bye}}\n"
            f"      - id: {p}bye\n"
            f"        say: {{nl: Fijne dag nog!, en: Have a nice day!}}\n"
            f"        next: {p}end\n"
            f"      - id: {p}end\n"
            f"        say: {{nl: Tot ziens., en: Goodbye.}}\n"
            f"        end: true\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", type=int, help="about how many steps")
    write(parser.parse_args().steps, sys.stdout)


if __name__ == "__main__":
    main()
