from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cxaudit.engine import audit_files
from cxaudit.loading import Settings
from cxaudit.report import Report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
#: CI has ../shared beside the repository and sets this, so that a test which needs the corpus or
#: the SARIF schema fails there instead of skipping; on a fresh clone without it, those skip.
REQUIRE_SHARED = os.environ.get("CXAUDIT_REQUIRE_SHARED") == "1"


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    """Skip a test when ``../shared/<parts>`` is absent (a fresh clone), unless CI requires it."""
    path = SHARED.joinpath(*parts)
    where = "/".join(("..", "shared", *parts))
    return pytest.mark.skipif(
        not path.exists() and not REQUIRE_SHARED,
        reason=f"{where} is not beside the repository (CI has it and sets CXAUDIT_REQUIRE_SHARED=1)",
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_SHARED and not (SHARED / "corpus").is_dir():
        raise pytest.UsageError(
            f"CXAUDIT_REQUIRE_SHARED=1 but {SHARED} has no corpus/: the tests that need it would fail"
        )


AuditText = Callable[..., Report]


@pytest.fixture
def check_text(tmp_path: Path) -> AuditText:
    """Write a flow text to a file and audit it (report language English unless told)."""

    def run(
        text: str, *, name: str = "flow.yaml", language: str = "en", **settings: object
    ) -> Report:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return audit_files([(path, name)], Settings(language=language, **settings))  # type: ignore[arg-type]

    return run


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository (with .git, where the search for configuration stops), as cwd."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "bots").mkdir()
    return tmp_path


def data_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a loaded YAML document, for damaging it somewhere at random."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += data_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += data_paths(value, (*prefix, index))
    return found


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    """The map or list that holds the item at ``path``."""
    for part in path[:-1]:
        data = data[part]
    return data
