"""docs/rules/ holds the rule pages every report links to, generated from the catalogue."""

from __future__ import annotations

import os
import re

from cxaudit.catalogue import catalogue
from cxaudit.report import DEFAULT_HELP_URL
from cxaudit.rule_pages import rule_pages
from tests.conftest import ROOT

DOCS = ROOT / "docs" / "rules"


def test_rule_pages_are_up_to_date() -> None:
    pages = rule_pages()
    if os.environ.get("CXAUDIT_UPDATE_GOLDEN") == "1":
        DOCS.mkdir(exist_ok=True)
        for stale in DOCS.glob("*.md"):
            if stale.name not in pages:
                stale.unlink()
        for name, text in pages.items():
            (DOCS / name).write_text(text, encoding="utf-8")
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert on_disk == pages, (
        "docs/rules/ is stale: CXAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_rule_pages.py"
    )


def test_every_rule_and_check_has_its_page_in_both_languages() -> None:
    pages = rule_pages()
    for rule in catalogue().values():
        page = pages[f"{rule.id}.md"]
        assert "## English" in page and "## Nederlands" in page
        for check in rule.checks:
            assert page.count(f"`{rule.id}/{check}`") == 2  # once per language


def test_the_default_help_url_points_at_these_pages() -> None:
    """The default link is the repository's own rule page, at the release's tag."""
    match = re.fullmatch(
        r"https://github\.com/[\w-]+/[\w-]+/blob/v[\w.]+/docs/rules/\{rule\}\.md", DEFAULT_HELP_URL
    )
    assert match, DEFAULT_HELP_URL
    for rule in catalogue():
        path = DEFAULT_HELP_URL.split("/blob/", 1)[1].split("/", 1)[1].replace("{rule}", rule)
        assert (ROOT / path).is_file()
