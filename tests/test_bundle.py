"""rules/bundle.json: the shipped YAML data parsed ahead of time, used only while it is current."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cxaudit import resources
from cxaudit.bundle import render_bundle
from cxaudit.resources import BUNDLE, digest, read_shipped, rules_dir


def test_the_shipped_bundle_is_current() -> None:
    """bundle.json is derived from rules/**/*.yaml; regenerate it after editing one of them."""
    path = rules_dir() / BUNDLE
    current = render_bundle() + "\n"
    if os.environ.get("CXAUDIT_UPDATE_GOLDEN") == "1":
        path.write_text(current, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == current, (
        "rules/bundle.json is stale: CXAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_bundle.py"
    )


def test_every_shipped_file_is_read_from_the_bundle() -> None:
    bundle = json.loads((rules_dir() / BUNDLE).read_text(encoding="utf-8"))
    for path in sorted(rules_dir().rglob("*.yaml")):
        key = path.relative_to(rules_dir()).as_posix()
        assert bundle[key]["sha256"] == digest(path.read_text(encoding="utf-8")), key
        assert read_shipped(path).data == bundle[key]["data"], key
    lexicons = [k for k in bundle if k.startswith("lexicons/cx")]
    assert lexicons and all("anchors" in bundle[k] for k in lexicons)


@pytest.fixture
def edited_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundle whose digest for one file no longer matches."""
    bundle = json.loads((rules_dir() / BUNDLE).read_text(encoding="utf-8"))
    bundle["catalogue/CX01.yaml"]["sha256"] = "0" * 64
    bundle["catalogue/CX01.yaml"]["data"] = {"id": "stale"}
    monkeypatch.setattr(resources, "_bundle", lambda: bundle)
    return rules_dir() / "catalogue" / "CX01.yaml"


def test_a_file_changed_since_the_bundle_is_parsed_again(edited_rules: Path) -> None:
    shipped = read_shipped(edited_rules)
    assert shipped.data["id"] == "CX01"
    assert shipped.derived == {}


def test_a_missing_or_damaged_bundle_means_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "catalogue").mkdir()
    source = rules_dir() / "catalogue" / "CX01.yaml"
    copy = tmp_path / "catalogue" / "CX01.yaml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(resources, "rules_dir", lambda: tmp_path)
    resources._bundle.cache_clear()
    try:
        assert read_shipped(copy).data["id"] == "CX01"  # no bundle at all
        (tmp_path / BUNDLE).write_text("{not json", encoding="utf-8")
        resources._bundle.cache_clear()
        assert read_shipped(copy).data["id"] == "CX01"  # a damaged one
    finally:
        resources._bundle.cache_clear()
