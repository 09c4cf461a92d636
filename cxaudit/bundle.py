"""Writing ``rules/bundle.json``: every shipped YAML file parsed ahead of time, with its digest.

Reading the bundle lives in :mod:`cxaudit.resources`; building it needs the lexicon (to derive
each entry's anchors), so it lives here, used by ``tests/test_bundle.py`` to keep it current.
"""

from __future__ import annotations

import json
from typing import Any

from cxaudit.lexicon import derive
from cxaudit.loader import load_text
from cxaudit.resources import bundle_key, digest, rules_dir


def build_bundle() -> dict[str, Any]:
    """The content of ``bundle.json``: every shipped YAML file parsed, with its digest."""
    bundle: dict[str, Any] = {}
    for path in sorted(rules_dir().rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = load_text(text, str(path)).data
        bundle[bundle_key(path)] = {"sha256": digest(text), "data": data, **derive(path, data)}
    return bundle


def render_bundle() -> str:
    return json.dumps(build_bundle(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
