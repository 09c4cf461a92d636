"""Knowing less never scores better: taking a good thing out of any valid flow (a handoff, the
written confirmation of an agreement, a consent question, the disclosure that it is a bot) never
raises its score. Random valid flows from tests/test_properties.py, each with one thing taken out.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cxaudit.report import FileReport
from tests.test_properties import FAST, flows, run

DISCLOSING = "Hoi! Ik ben de digitale assistent."


def no_better(worse: FileReport, better: FileReport) -> None:
    """``worse`` scores no higher than ``better``; if it does, show both per rule."""
    table = {
        r.id: (r.status.value, r.score, w.status.value, w.score)
        for r, w in zip(better.rules, worse.rules, strict=True)
    }
    assert worse.score <= better.score, f"{better.score} -> {worse.score}: {table}"


@st.composite
def consenting_flows(draw: st.DrawFn) -> dict[str, Any]:
    """A random flow with a consent question for the e-mail address somewhere in it."""
    data = draw(flows())
    steps = data["flows"][0]["steps"]
    data.setdefault("privacy", {"policy_url": "https://example.nl/privacy"})
    data["privacy"]["data"] = [
        {"field": "email", "category": "contact", "basis": "consent"},
        {"field": "order_number", "category": "identifier", "basis": "contract"},
    ]
    yes = draw(st.sampled_from([s["id"] for s in steps]))
    no = draw(st.sampled_from([s["id"] for s in steps]))
    consent = {
        "id": "ask_consent",
        "ask": "Mogen we je e-mailadres gebruiken?",
        "consent": {"fields": ["email"]},
        "options": [{"label": "Ja", "goto": yes}, {"label": "Nee", "goto": no}],
    }
    position = draw(st.integers(0, len(steps) - 2))
    steps.insert(position, consent)
    if draw(st.booleans()):
        steps[0]["next" if "next" in steps[0] else "say"] = (
            "ask_consent" if "next" in steps[0] else steps[0].get("say", "")
        )
    return data


HANDOFF_TEXTS = st.sampled_from(
    [
        "Ik verbind je door. De wachttijd is 3 minuten.",
        "Ik verbind je door met een medewerker.",
        "Een ogenblik.",
        "",
    ]
)


@st.composite
def flows_with_people(draw: st.DrawFn) -> dict[str, Any]:
    """A random flow whose handoffs say different things (or nothing), and a second one."""
    data = draw(flows())
    steps = data["flows"][0]["steps"]
    to_agent = next(s for s in steps if s["id"] == "to_agent")
    text = draw(HANDOFF_TEXTS)
    if text:
        to_agent["say"] = text
    else:
        del to_agent["say"]
    if draw(st.booleans()):
        second = {"id": "to_phone", "handoff": "team"}
        if text := draw(HANDOFF_TEXTS):
            second["say"] = text
        steps.append(second)
        chooser = draw(st.sampled_from([s for s in steps if "options" in s] or [None]))
        if chooser is not None:
            chooser["options"].append({"label": "Bel me", "goto": "to_phone"})
    if draw(st.booleans()):
        data["handoff"] = {"context": ["summary"]}
    return data


@FAST
@given(data=flows_with_people())
def test_removing_the_people_never_raises_the_score(tmp_path: Path, data: dict[str, Any]) -> None:
    """Every handoff taken out: the bot has no person any more (and cxaudit sees none)."""
    worse = copy.deepcopy(data)
    for step in worse["flows"][0]["steps"]:
        if "handoff" in step:
            del step["handoff"]
            step["end"] = True  # the conversation ends there instead
    no_better(run(tmp_path, worse), run(tmp_path, data))


@FAST
@given(data=flows(), which=st.integers(min_value=0))
def test_removing_a_written_confirmation_never_raises_the_score(
    tmp_path: Path, data: dict[str, Any], which: int
) -> None:
    confirming = [s for s in data["flows"][0]["steps"] if "confirm" in s]
    worse = copy.deepcopy(data)
    if confirming:
        step = confirming[which % len(confirming)]
        target = next(s for s in worse["flows"][0]["steps"] if s["id"] == step["id"])
        del target["confirm"]
    no_better(run(tmp_path, worse), run(tmp_path, data))


@FAST
@given(data=consenting_flows())
def test_removing_a_consent_question_never_raises_the_score(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    worse = copy.deepcopy(data)
    for step in worse["flows"][0]["steps"]:
        step.pop("consent", None)
    no_better(run(tmp_path, worse), run(tmp_path, data))


@FAST
@given(data=flows())
def test_removing_the_disclosure_never_raises_the_score(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    better = copy.deepcopy(data)
    first = better["flows"][0]["steps"][0]
    key = "ask" if "ask" in first else "say"
    first[key] = f"{DISCLOSING} {first.get(key, '')}".strip()
    worse = copy.deepcopy(better)
    worse["flows"][0]["steps"][0][key] = worse["flows"][0]["steps"][0][key].replace(
        DISCLOSING, "Hoi!"
    )
    no_better(run(tmp_path, worse), run(tmp_path, better))
