"""Where the shipped data lives (rules/ in a source checkout, cxaudit/_rules in a wheel) and how
it is read.

The rule catalogue and the lexicons are YAML, written and reviewed by people. Parsing about
thirty YAML files is a sizeable part of checking a small flow, so ``rules/bundle.json`` holds
the same data already parsed, with what cxaudit derives from it (the anchors of each lexicon
entry), per file with the SHA-256 of its text. A file whose text no longer matches its digest
is parsed again: the bundle can be stale, never wrong. ``tests/test_bundle.py`` keeps it
current (``CXAUDIT_UPDATE_GOLDEN=1`` rewrites it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent
BUNDLE = "bundle.json"


@cache
def rules_dir() -> Path:
    """The folder holding the rule catalogue and the lexicons."""
    installed = _PACKAGE / "_rules"
    if installed.is_dir():
        return installed
    # An editable install or a plain checkout: the data sits next to the package.
    return _PACKAGE.parent / "rules"


def schema_path(name: str) -> Path:
    """A JSON Schema shipped inside the package (flow, report)."""
    return _PACKAGE / "schemas" / name


@dataclass(frozen=True)
class Shipped:
    """A shipped data file: its data, and what was derived from it when the bundle was built
    (empty when the file changed since)."""

    data: Any
    derived: Mapping[str, Any] = field(default_factory=dict)


def read_shipped(path: Path) -> Shipped:
    """The data of a YAML file under :func:`rules_dir`, from the bundle when it is current."""
    from cxaudit.loader import load_text

    text = path.read_text(encoding="utf-8")
    bundled = _bundle().get(bundle_key(path))
    if isinstance(bundled, dict) and bundled.get("sha256") == digest(text):
        derived = {k: v for k, v in bundled.items() if k not in {"sha256", "data"}}
        return Shipped(bundled.get("data"), derived)
    from cxaudit.budget import DEFAULTS, using

    with using(DEFAULTS):  # cxaudit's own data: not held to the limits a run sets for its input
        return Shipped(load_text(text, str(path)).data)


def bundle_key(path: Path) -> str:
    return path.relative_to(rules_dir()).as_posix()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _bundle() -> dict[str, Any]:
    path = rules_dir() / BUNDLE
    try:
        bundle: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged: everything is parsed from the YAML
        return {}
    return bundle if isinstance(bundle, dict) else {}
