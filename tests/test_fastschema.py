"""The compiled yes/no schema check agrees with jsonschema, on every schema cxaudit ships."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cxaudit.fastschema import Unsupported, compile_schema
from cxaudit.schema import load_schema
from tests.conftest import ROOT, data_paths, parent_of

FLOW = load_schema("flow.schema.json")
CONFIG = load_schema("config.schema.json")
REPORT = load_schema("report.schema.json")
EXAMPLES = [
    yaml.safe_load((ROOT / "examples" / f"{n}.flow.yaml").read_text(encoding="utf-8"))
    for n in ("webshop", "bank", "energy")
]
REPORTS = [
    json.loads((ROOT / "tests" / "golden" / f"{n}.json").read_text(encoding="utf-8"))
    for n in ("bank", "hostile")
]

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.sampled_from(
        ["CX10", "nl", "x-note", "24/7", "3m", "email", "summary", "https://a.b", "strict", "error"]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["id", "say", "nl", "x-a", "rules", "CX02", "options", "enabled", "zz"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def agree(schema: dict[str, Any], instance: Any) -> None:
    expected = jsonschema.Draft202012Validator(schema).is_valid(instance)
    assert compile_schema(schema)(instance) is expected, json.dumps(instance, default=str)[:300]


@pytest.mark.parametrize("instance", EXAMPLES)
def test_valid_examples(instance: Any) -> None:
    agree(FLOW, instance)
    assert compile_schema(FLOW)(instance)


@pytest.mark.parametrize("instance", REPORTS)
def test_valid_reports(instance: Any) -> None:
    agree(REPORT, instance)


@settings(max_examples=400, deadline=None)
@given(
    which=st.integers(0, 2), pick=st.integers(min_value=0), value=JSON_VALUES, delete=st.booleans()
)
def test_damaged_flows(which: int, pick: int, value: Any, delete: bool) -> None:
    instance = copy.deepcopy(EXAMPLES[which])
    paths = data_paths(instance)
    path = paths[pick % len(paths)]
    parent = parent_of(instance, path)
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    agree(FLOW, instance)


@settings(max_examples=400, deadline=None)
@given(value=JSON_VALUES)
def test_random_configurations(value: Any) -> None:
    agree(CONFIG, value)
    agree(CONFIG, {"rules": value})
    agree(CONFIG, {"rules": {"CX02": value}})


@pytest.mark.parametrize(
    ("schema", "instance", "valid"),
    [
        ({"const": 1}, True, False),
        ({"enum": [1, "a"]}, True, False),
        ({"type": "integer"}, 2.0, True),
        ({"type": "integer"}, True, False),
        ({"type": "number"}, False, False),
        ({"uniqueItems": True}, [1, True], True),
        ({"uniqueItems": True}, [{"a": 1}, {"a": 1}], False),
        ({"oneOf": [{"type": "string"}, {"minLength": 1}]}, "x", False),
    ],
)
def test_json_semantics(schema: dict[str, Any], instance: Any, valid: bool) -> None:
    assert compile_schema(schema)(instance) is valid
    assert jsonschema.Draft202012Validator(schema).is_valid(instance) is valid


def test_an_unknown_keyword_is_refused() -> None:
    with pytest.raises(Unsupported, match="maxLength"):
        compile_schema({"maxLength": 3})
