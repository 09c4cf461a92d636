from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cxaudit.engine import Settings, audit
from cxaudit.report import Report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

Check = Callable[..., Report]


@pytest.fixture
def check_text(tmp_path: Path) -> Check:
    """Write a flow text to a file and audit it (report language English unless told)."""

    def run(
        text: str, *, name: str = "flow.yaml", language: str = "en", **settings: object
    ) -> Report:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return audit([(path, name)], Settings(language=language, **settings))  # type: ignore[arg-type]

    return run
