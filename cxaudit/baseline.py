"""Baselines: accept today's findings, fail only on new ones.

``cxaudit baseline FILE... -o .cxaudit-baseline.json`` records each file's findings by
fingerprint (rule, check, step and the offending content; never a line number, so edits
elsewhere in the file do not break it) and its score. ``cxaudit check --baseline FILE`` marks the
findings it knows as baselined and lists entries that no longer match as fixed.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cxaudit._version import __version__
from cxaudit.budget import check_nesting
from cxaudit.catalogue import waiver_checks
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.inert import json_text, shown_name
from cxaudit.reading import read_text, resolved
from cxaudit.report import FileReport, Finding, FixedEntry, Suppression, SuppressionKind

BASELINE_FORMAT = 1


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    check: str
    step: str | None
    message: str
    parts: tuple[str, ...] = ()  # a finding that stands for several places: each one's print

    @property
    def identities(self) -> tuple[str, ...]:
        return self.parts or (self.fingerprint,)


@dataclass(frozen=True)
class FileBaseline:
    score: float
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Baseline:
    path: Path
    display: str
    files: Mapping[str, FileBaseline]  # key: the flow file, relative to the baseline's folder

    def for_file(self, flow: Path) -> FileBaseline | None:
        return self.files.get(key_for(flow, self.path.parent))


def key_for(flow: Path, folder: Path) -> str:
    """How a flow file is named in a baseline: relative to the baseline's folder, with /.

    Relative even when the flows sit beside the baseline's folder (``../bots/bank.flow.yaml``),
    so a baseline committed to the repository works in every checkout.
    """
    return shown_name(Path(os.path.relpath(resolved(flow), resolved(folder))).as_posix())


def read_baseline(path: Path, display: str) -> Baseline:
    """Read a baseline file; anything unexpected is an input error."""

    def fail(message: str) -> InputError:
        return InputError([Diagnostic(display, message)])

    if not path.exists() and not path.is_symlink():
        raise fail("no such baseline file; create one with `cxaudit baseline FILE... -o FILE`")
    text = read_text(path, display)  # within the file-bytes limit, regular files only, UTF-8
    check_nesting(text, display)
    try:
        raw = json.loads(
            text,
            parse_constant=_no_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            [Diagnostic(display, f"not a JSON baseline: {exc.msg}", exc.lineno, exc.colno)]
        ) from None
    except _BadNumber as exc:
        raise fail(f"not a baseline: {exc}") from None
    except RecursionError:
        raise fail("not a baseline: nested deeper than any baseline is") from None
    if (
        not isinstance(raw, dict)
        or raw.get("format") != BASELINE_FORMAT
        or not isinstance(raw.get("files"), dict)
    ):
        raise fail(
            f"not a cxaudit baseline (format {BASELINE_FORMAT}); create one with `cxaudit baseline`"
        )
    files: dict[str, FileBaseline] = {}
    try:
        for name, entry in raw["files"].items():
            score = entry["score"]
            if isinstance(score, bool) or not isinstance(score, int | float):
                raise ValueError(f"the score of '{_text(name)}' is not a number")
            if not 0 <= score <= 100:
                raise ValueError(f"the score of '{_text(name)}' is not between 0 and 100")
            findings = []
            for e in entry["findings"]:
                step = None if e.get("step") is None else _text(e["step"])
                findings.append(
                    Entry(
                        _token(e["fingerprint"], "fingerprint"),
                        _token(e["rule"], "rule"),
                        _token(e["check"], "check"),
                        step,
                        _text(e["message"]),
                        tuple(_text(p) for p in e.get("parts") or ()),
                    )
                )
            files[_text(name)] = FileBaseline(score=float(score), entries=tuple(findings))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise fail(f"a baseline entry is malformed ({exc})") from None
    return Baseline(path, display, files)


class _BadNumber(ValueError):
    """A number no baseline holds (NaN, Infinity, or one with hundreds of digits)."""


def _no_constant(name: str) -> float:
    raise _BadNumber(f"'{name}' is no number a baseline holds")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > 16:
        raise _BadNumber(f"a number of {len(digits)} digits")
    return int(digits)


def _bounded_float(digits: str) -> float:
    value = float(digits) if len(digits) <= 64 else math.inf
    if not math.isfinite(value):
        raise _BadNumber(f"the number '{digits[:20]}' is too large")
    return value


_TOKEN = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _token(value: object, what: str) -> str:
    """A rule id, check id or fingerprint: letters, digits, ``_ . -`` (what cxaudit writes), so
    that no baseline can put markup or a workflow command where a report shows it."""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ValueError(f"a finding's {what} is not an id such as CX01 or no-context")
    return value


def _text(value: object) -> str:
    """A text of the baseline: a string that UTF-8 can hold (no lone surrogate)."""
    if not isinstance(value, str):
        raise TypeError(f"{type(value).__name__} where a text belongs")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a text with a lone surrogate (\\ud800-\\udfff)") from None
    return value


def accepted(report: FileReport) -> list[Finding]:
    """What a baseline records of a file: its findings that count, in a stable order.

    Findings about waivers are left out: an expired or unused waiver is to be fixed, not accepted.
    """
    notes = waiver_checks()
    return sorted(
        (f for f in report.findings if f.counts and f.check not in notes),
        key=lambda f: (f.rule, f.check, f.fingerprint),
    )


def render_baseline(reports: Iterable[tuple[Path, FileReport]], folder: Path) -> str:
    """The baseline for these checked files: their findings that count, and their scores."""
    files: dict[str, Any] = {}
    for flow, report in reports:
        files[key_for(flow, folder)] = {
            "score": report.score,
            "findings": [
                {
                    "fingerprint": f.fingerprint,
                    "rule": f.rule,
                    "check": f.check,
                    "step": f.step,
                    "message": f.message,
                    **({"parts": list(f.parts)} if f.parts else {}),
                }
                for f in accepted(report)
            ],
        }
    data = {"cxaudit": __version__, "format": BASELINE_FORMAT, "files": dict(sorted(files.items()))}
    return json_text(data)


def match(
    findings: Iterable[Finding], known: FileBaseline
) -> tuple[set[int], tuple[FixedEntry, ...]]:
    """Which findings (by position in the list) the baseline knows, and which entries are gone.

    A finding is known when the baseline knows each of its parts (the places it stands for): a
    cause that has spread to a new place since is new. A part recorded twice covers two; a third
    is new. A finding waived since the baseline was taken still matches its entry (it is not
    fixed; the waiver wins). An entry none of whose parts is found any more is fixed.
    """
    left = Counter(part for entry in known.entries for part in entry.identities)
    seen: set[str] = set()
    matched: set[int] = set()
    for i, finding in enumerate(findings):
        parts = Counter(finding.identities)
        seen.update(parts)
        if all(left[part] >= n for part, n in parts.items()):
            left -= parts
            matched.add(i)
    fixed = tuple(
        FixedEntry(entry.rule, entry.check, entry.step, entry.message)
        for entry in known.entries
        if not any(part in seen for part in entry.identities)
    )
    return matched, fixed


def apply_baseline(
    findings: Sequence[Finding], known: FileBaseline, display: str
) -> tuple[list[Finding], tuple[FixedEntry, ...]]:
    """The findings with those the baseline knows marked as baselined, and the baseline's
    entries that are gone (fixed). A waiver given since the baseline was taken keeps its reason."""
    matched, fixed = match(findings, known)
    suppression = Suppression(
        SuppressionKind.BASELINE, "known when the baseline was taken", display
    )
    marked = [
        replace(finding, suppression=suppression)
        if position in matched and finding.suppression is None
        else finding
        for position, finding in enumerate(findings)
    ]
    return marked, fixed
