"""The rule pages in ``docs/rules/``: one Markdown page per rule, made from the catalogue.

Every report links each rule to its page (``help_url``, SARIF's ``helpUri``); the pages are
generated, never edited by hand, so they say what the installed rules check. A test compares
``docs/rules/`` with :func:`rule_pages`; ``CXAUDIT_UPDATE_GOLDEN=1`` writes them anew.
"""

from __future__ import annotations

from cxaudit.catalogue import RuleInfo, catalogue
from cxaudit.config import STRICT_SECTORS
from cxaudit.explain import HEADINGS, option_value
from cxaudit.i18n import word

_LANGUAGES = {"en": "English", "nl": "Nederlands"}
_GENERATED = "<!-- Generated from rules/catalogue by cxaudit.rule_pages; do not edit by hand. -->\n"


def rule_pages() -> dict[str, str]:
    """File name -> Markdown text: ``README.md`` (the index) and ``CX01.md`` ... ``CX10.md``."""
    rules = catalogue()
    pages = {f"{rule.id}.md": _page(rule) for rule in rules.values()}
    index = [_GENERATED, "# The ten golden rules", ""]
    index += ["| id | rule | regel | area | weight |", "|---|---|---|---|---|"]
    for rule in rules.values():
        index.append(
            f"| [{rule.id}]({rule.id}.md) | {rule.name['en']} | {rule.name['nl']} "
            f"| {word('en', rule.area)} | {rule.weight:g} |"
        )
    index += ["", "`cxaudit explain CX03` prints the same page in the terminal.", ""]
    pages["README.md"] = "\n".join(index)
    return pages


def _page(rule: RuleInfo) -> str:
    parts = [_GENERATED + f"# {rule.id}: {rule.name['en']}\n"]
    parts.append("[English](#english) · [Nederlands](#nederlands) · [all rules](README.md)\n")
    for lang, language in _LANGUAGES.items():
        parts.append(_section(rule, lang, language))
    return "\n".join(parts)


def _paragraphs(text: str) -> str:
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())


def _section(rule: RuleInfo, lang: str, language: str) -> str:
    head = HEADINGS[lang]
    out = [f"## {language}", "", f"**{rule.name[lang]}**", ""]
    out.append(f"{head['area']}: {word(lang, rule.area)} · {head['weight']} {rule.weight:g}")
    out += ["", _paragraphs(rule.summary[lang]), "", f"### {head['checks']}", ""]
    out.append(_paragraphs(rule.description[lang] or rule.summary[lang]))
    if rule.evidence:
        out += ["", f"### {head['why']}", ""]
        out += [" ".join(f"- {e.text[lang]} (*{e.source}*)".split()) for e in rule.evidence]
    sectors = ", ".join(sorted(STRICT_SECTORS))
    out += ["", f"### {head['options'].format(sectors=sectors)}", ""]
    if not rule.options:
        out.append(head["none"])
    for option in rule.options.values():
        strict = f"; `{option_value(option.strict)}`" if option.strict is not None else ""
        line = f"- `{option.name}`: `{option_value(option.default)}`{strict}"
        if option.description.get(lang):
            line += f". {' '.join(option.description[lang].split())}"
        out.append(line)
    out += ["", f"### {head['findings']}", ""]
    for check in rule.checks.values():
        message = " ".join(check.message[lang].split())
        out.append(f"- `{rule.id}/{check.id}` ({word(lang, check.severity)}): {message}")
    for key, example in (("fail", rule.example_fail), ("pass", rule.example_pass)):
        if example.strip():
            out += ["", f"### {head[key]}", "", "```yaml", example.rstrip(), "```"]
    return "\n".join(out) + "\n"
