"""From a rule's issue to a finding: wording in the report language, position, fingerprint."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from cxaudit.catalogue import CheckInfo, fill
from cxaudit.checks.base import Issue, Param
from cxaudit.i18n import word
from cxaudit.loader import Data, DataPath, Document, format_path
from cxaudit.model import Bot
from cxaudit.report import Finding, Severity


def make_finding(
    rule: str,
    check: CheckInfo,
    issue: Issue,
    severity: Severity,
    document: Document,
    bot: Bot,
    language: str,
) -> Finding:
    params = localise(issue.params, language, step=issue.step)
    location = document.source_map.locate(issue.path, key=issue.key)
    return Finding(
        rule=rule,
        check=issue.check,
        severity=severity,
        message=fill(check.message[language], params),
        hint=fill(check.hint[language], params),
        path=document.path,
        data_path=format_path(issue.path),
        step=issue.step,
        line=location.line,
        column=location.column,
        fingerprint=fingerprint(rule, issue.check, issue.step, issue.path, document.data, bot),
    )


def localise(
    params: Mapping[str, Param], language: str, *, step: str | None = None
) -> dict[str, str]:
    """Message parameters as text in the report language."""
    out: dict[str, str] = {"step": step or ""}
    for name, value in params.items():
        out[name] = _pick(value, language)
    if "did_you_mean" in out:
        guess = out["did_you_mean"]
        out["did_you_mean"] = word(language, "did_you_mean", value=guess) if guess else ""
    return out


def _pick(value: Param, language: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("en") or next(iter(value.values()), "")


def fingerprint(
    rule: str, check: str, step: str | None, path: DataPath, data: Data, bot: Bot
) -> str:
    """A finding's identity across edits: rule, check, step, where within it, and the content.

    Never a line number, and list positions are replaced by the ids of what sits there
    (``intents[report_fraud]``), so adding a step or an intent elsewhere changes nothing. The
    content is the offending text, whitespace folded, where the finding points at a text.
    """
    if step is not None and step in bot.step_index:
        start = len(bot.steps[bot.step_index[step]].path)
        anchor = _stable_path(path, data, start)
    else:
        anchor = _stable_path(path, data, 0)
    content = _content(path, data)
    raw = "\x1f".join((rule, check, step or "", anchor, content))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _stable_path(path: DataPath, data: Data, start: int) -> str:
    parts: list[str] = []
    node: Any = data
    for i, elem in enumerate(path):
        child = _child(node, elem)
        if i >= start:
            if isinstance(elem, int) and isinstance(child, dict):
                ident = child.get("id", child.get("field"))
                parts.append(f"[{ident}]" if isinstance(ident, str) else f"[{elem}]")
            else:
                parts.append(f"[{elem}]" if isinstance(elem, int) else f".{elem}")
        node = child
    return "".join(parts)


def _child(node: Any, elem: str | int) -> Any:
    if isinstance(node, dict) and isinstance(elem, str):
        return node.get(elem)
    if isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node):
        return node[elem]
    return None


def _content(path: DataPath, data: Data) -> str:
    node: Any = data
    for elem in path:
        node = _child(node, elem)
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return " ".join(str(node).split())
    return ""
