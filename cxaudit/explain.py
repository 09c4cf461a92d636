"""`cxaudit explain` and `cxaudit rules`: the catalogue as text for people."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from cxaudit.catalogue import RuleInfo, catalogue
from cxaudit.config import STRICT_SECTORS
from cxaudit.i18n import word

HEADINGS = {
    "en": {
        "checks": "What it checks",
        "why": "Why",
        "options": "Options (default; stricter in {sectors})",
        "findings": "Findings it reports",
        "fail": "Fails",
        "pass": "Passes",
        "none": "none",
        "area": "Area",
        "weight": "weight",
    },
    "nl": {
        "checks": "Wat de regel controleert",
        "why": "Waarom",
        "options": "Opties (standaard; strenger voor {sectors})",
        "findings": "Bevindingen",
        "fail": "Fout",
        "pass": "Goed",
        "none": "geen",
        "area": "Gebied",
        "weight": "gewicht",
    },
}


def _wrap(text: str, indent: str = "  ", width: int = 96) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(
        textwrap.fill(
            " ".join(p.split()), width=width, initial_indent=indent, subsequent_indent=indent
        )
        for p in paragraphs
    )


def option_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def explain(rule: RuleInfo, lang: str) -> str:
    head = HEADINGS[lang]
    out = [f"{rule.id}: {rule.name[lang]}", ""]
    out.append(f"  {head['area']}: {word(lang, rule.area)} · {head['weight']} {rule.weight:g}")
    out.append("")
    out.append(_wrap(rule.summary[lang]))
    out += ["", head["checks"], _wrap(rule.description[lang] or rule.summary[lang])]
    if rule.evidence:
        out += ["", head["why"]]
        for item in rule.evidence:
            text = " ".join(f"- {item.text[lang]} ({item.source})".split())
            out.append(textwrap.fill(text, width=96, initial_indent="  ", subsequent_indent="    "))
    sectors = ", ".join(sorted(STRICT_SECTORS))
    out += ["", head["options"].format(sectors=sectors)]
    if not rule.options:
        out.append(f"  {head['none']}")
    for option in rule.options.values():
        strict = f"; {option_value(option.strict)}" if option.strict is not None else ""
        out.append(f"  {option.name}: {option_value(option.default)}{strict}")
        if option.description.get(lang):
            out.append(_wrap(option.description[lang], indent="      "))
    out += ["", head["findings"]]
    for check in rule.checks.values():
        out.append(f"  {check.id} ({word(lang, check.severity)})")
        out.append(_wrap(check.message[lang], indent="      "))
    for key, example in (("fail", rule.example_fail), ("pass", rule.example_pass)):
        if example.strip():
            out += ["", f"{head[key]}:", textwrap.indent(example.rstrip(), "    ")]
    return "\n".join(out) + "\n"


def rules_table(lang: str) -> str:
    rows = [(r.id, r.name[lang], word(lang, r.area), f"{r.weight:g}") for r in catalogue().values()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]:>3}".rstrip()
        )
    return "\n".join(lines) + "\n"


def rules_json(lang: str) -> str:
    data = [
        {
            "id": r.id,
            "name": r.name[lang],
            "area": r.area,
            "weight": r.weight,
            "summary": r.summary[lang],
            "options": {
                name: {"default": o.default, "strict": o.strict} for name, o in r.options.items()
            },
            "checks": {name: c.severity for name, c in r.checks.items()},
        }
        for r in catalogue().values()
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
