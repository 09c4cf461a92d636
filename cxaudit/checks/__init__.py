"""The ten golden rules, one module each, in an explicit registry (no discovery, no magic)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cxaudit.checks import (
    cx01_disclosure,
    cx02_human_reach,
    cx03_never_stuck,
    cx04_handoff_context,
    cx05_humans_there,
    cx06_sensitive_topics,
    cx07_upset_customers,
    cx08_written_confirmation,
    cx09_consent,
    cx10_feigned_empathy,
)
from cxaudit.checks.base import Context, Outcome

Check = Callable[[Context, Mapping[str, Any]], Outcome]

REGISTRY: dict[str, Check] = {
    "CX01": cx01_disclosure.check,
    "CX02": cx02_human_reach.check,
    "CX03": cx03_never_stuck.check,
    "CX04": cx04_handoff_context.check,
    "CX05": cx05_humans_there.check,
    "CX06": cx06_sensitive_topics.check,
    "CX07": cx07_upset_customers.check,
    "CX08": cx08_written_confirmation.check,
    "CX09": cx09_consent.check,
    "CX10": cx10_feigned_empathy.check,
}
