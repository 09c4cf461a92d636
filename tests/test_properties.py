"""Property-based tests: random valid flows and random mutations of the examples.

Random flows never crash cxaudit, give the same report twice, and keep the invariants the rules
promise; random damage to the examples gives input errors or a report, never a traceback.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxaudit.diagnostics import InputError
from cxaudit.engine import judge_file
from cxaudit.formatters import RenderOptions, get
from cxaudit.loading import Loaded, Settings
from cxaudit.loading import load as load_flow
from cxaudit.report import FileReport, Report
from tests.conftest import ROOT, data_paths, parent_of

EXAMPLES = {
    name: yaml.safe_load((ROOT / "examples" / f"{name}.flow.yaml").read_text(encoding="utf-8"))
    for name in ("webshop", "bank", "energy")
}
SETTINGS = Settings(language="en", discover_config=False)
FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEXTS = st.sampled_from(
    [
        "Hoi! Ik ben de digitale assistent.",
        "Waar kan ik je mee helpen?",
        "Je pakket komt morgen.",
        "Ik verbind je door met een medewerker. De wachttijd is 3 minuten.",
        "Vervelend dat het misging.",
        "What is your order number?",
        "[bold]markup[/] <script>x</script> @channel",
    ]
)


@st.composite
def flows(draw: st.DrawFn, *, human_everywhere: bool = False) -> dict[str, Any]:
    """A random but valid flow file: steps of every kind, references only to steps that exist."""
    count = draw(st.integers(min_value=1, max_value=12))
    ids = [f"s{i}" for i in range(count)] + ["to_agent", "bye"]
    target = st.sampled_from(ids)
    steps: list[dict[str, Any]] = []
    for i in range(count):
        step: dict[str, Any] = {"id": f"s{i}"}
        kind = draw(st.sampled_from(["say", "ask", "options", "on", "generate", "end", "dead"]))
        if kind in ("say", "end", "dead"):
            step["say"] = draw(TEXTS)
            if kind == "say":
                step["next"] = draw(target)
            elif kind == "end":
                step["end"] = True
        elif kind == "ask":
            step["ask"] = draw(TEXTS)
            step["next"] = draw(target)
        elif kind == "options":
            step["ask"] = draw(TEXTS)
            step["options"] = [
                {"label": draw(TEXTS), "goto": draw(target)} for _ in range(draw(st.integers(1, 3)))
            ]
        elif kind == "on":
            step["ask"] = draw(TEXTS)
            step["on"] = {"ask_human": draw(target)}
        else:
            step["generate"] = {"prompt": draw(TEXTS)}
            step["next"] = draw(target)
        if draw(st.booleans()) and ("ask" in step or "generate" in step):
            step["fallback"] = draw(
                st.one_of(
                    target, st.fixed_dictionaries({"retries": st.integers(0, 3), "then": target})
                )
            )
        if draw(st.integers(0, 5)) == 0:
            step["collect"] = draw(st.sampled_from(["email", "order_number"]))
        if draw(st.integers(0, 6)) == 0:
            step["agreement"] = "order"
            if draw(st.booleans()):
                step["confirm"] = {"channel": "email"}
        if draw(st.integers(0, 6)) == 0:
            step["topic"] = "complaint"
        steps.append(step)
    steps.append(
        {
            "id": "to_agent",
            "say": "Ik verbind je door. De wachttijd is 3 minuten.",
            "handoff": "team",
        }
    )
    steps.append({"id": "bye", "say": "Dag!", "end": True})
    data: dict[str, Any] = {
        "cxaudit": 1,
        "bot": {
            "name": "Hulpbot",
            "languages": ["nl"],
            "sector": draw(st.sampled_from(["retail", "finance", "other"])),
        },
        "humans": [
            {
                "id": "team",
                "channel": draw(st.sampled_from(["live_chat", "phone"])),
                "hours": "24/7",
                "expected_wait": "3m",
            }
        ],
        "intents": [
            {
                "id": "ask_human",
                "examples": ["medewerker"],
                "goto": "to_agent",
                "global": human_everywhere or draw(st.booleans()),
            }
        ],
        "flows": [{"id": "main", "steps": steps}],
    }
    if draw(st.booleans()):
        data["privacy"] = {
            "policy_url": "https://example.nl/privacy",
            "data": [
                {"field": "email", "category": "contact", "basis": "consent"},
                {"field": "order_number", "category": "identifier", "basis": "contract"},
            ],
        }
    if draw(st.booleans()):
        data["escalation"] = {"upset": "to_agent", "fallback": {"retries": 1, "then": "to_agent"}}
    return data


def loaded(tmp_path: Path, data: Any, name: str = "flow.yaml") -> Loaded:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_flow(path, name, SETTINGS)


def run(tmp_path: Path, data: Any) -> FileReport:
    return judge_file(loaded(tmp_path, data), SETTINGS, "en")


def render_all(report: FileReport) -> list[str]:
    whole = Report("0", "en", (report,), ())
    return [
        get(name)(whole, RenderOptions())
        for name in ("terminal", "json", "sarif", "junit", "markdown", "github", "concise")
    ]


@FAST
@given(data=flows())
def test_random_flows_never_crash_and_report_the_same_twice(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    first, second = run(tmp_path, data), run(tmp_path, data)
    assert render_all(first) == render_all(second)
    assert 0 <= first.score <= 100
    assert all(f.line >= 1 and f.column >= 1 for f in first.findings)


@FAST
@given(data=flows(human_everywhere=True))
def test_a_person_one_turn_away_everywhere_never_fails_cx02(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    report = run(tmp_path, data)
    cx02 = next(r for r in report.rules if r.id == "CX02")
    assert cx02.status.value in ("pass", "skipped"), [
        f.message for f in report.findings if f.rule == "CX02"
    ]


@FAST
@given(data=flows(), which=st.integers(min_value=0))
def test_feigned_empathy_never_raises_the_score(
    tmp_path: Path, data: dict[str, Any], which: int
) -> None:
    before = run(tmp_path, data)
    worse = copy.deepcopy(data)
    steps = worse["flows"][0]["steps"]
    # A random step (it may be one no conversation reaches) and the first, which every
    # conversation sees.
    for step in {id(s): s for s in (steps[which % len(steps)], steps[0])}.values():
        step["say"] = (step.get("say", "") + " Ik begrijp hoe je je voelt.").strip()
    after = run(tmp_path, worse)
    assert after.score <= before.score
    assert any(f.check == "feigned-empathy" for f in after.findings)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(EXAMPLES)),
    pick=st.integers(min_value=0),
    action=st.sampled_from(["delete", "list", "map", "number", "null", "text", "reference"]),
)
def test_damaged_examples_give_input_errors_or_a_report(
    tmp_path: Path, name: str, pick: int, action: str
) -> None:
    data = copy.deepcopy(EXAMPLES[name])
    paths = data_paths(data)
    path = paths[pick % len(paths)]
    parent = parent_of(data, path)
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = {
            "list": [1, "x"],
            "map": {"zz": 1},
            "number": 42,
            "null": None,
            "text": "🙂 x" * 3,
            "reference": "nowhere_at_all",
        }[action]
    try:
        report = judge_file(loaded(tmp_path, data), SETTINGS, "en")
    except InputError as exc:
        assert exc.diagnostics
        assert all(d.path == "flow.yaml" for d in exc.diagnostics)
        assert all(len(d.message) < 500 for d in exc.diagnostics)
        return
    json.loads(get("json")(Report("0", "en", (report,), ()), RenderOptions()))
