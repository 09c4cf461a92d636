"""`cxaudit config show`: the effective settings, each with where it came from."""

from __future__ import annotations

import json
from typing import Any

from cxaudit.config import Effective, Setting
from cxaudit.inert import json_text


def render_settings(effective: Effective, subject: str | None) -> str:
    """The effective settings as YAML, each with where it came from as a comment.

    The output is a valid configuration file: copy what you want to change.
    """
    lines = [
        f"# cxaudit settings for {subject}"
        if subject
        else "# cxaudit settings (no flow file given: no sector profile)"
    ]
    lines.append(
        f"# configuration files: {', '.join(effective.files) if effective.files else 'none'}"
    )

    def row(indent: int, key: str, value: Any, origin: str) -> None:
        text = f"{'  ' * indent}{key}: {_yaml_value(value)}"
        lines.append(f"{text:<52} # {origin}")

    row(0, "extends", effective.profile.value, effective.profile.origin)
    row(0, "fail_under", effective.fail_under.value, effective.fail_under.origin)
    if effective.lang.value is not None:
        row(0, "lang", effective.lang.value, effective.lang.origin)
    row(0, "strict_waivers", effective.strict_waivers.value, effective.strict_waivers.origin)
    row(0, "help_url", effective.help_url.value, effective.help_url.origin)
    # Globs quoted: a YAML item may not start with '*' (an alias) unquoted.
    globs = (
        "[" + ", ".join(json.dumps(g, ensure_ascii=False) for g in effective.exclude.value) + "]"
    )
    lines.append(f"{'exclude: ' + globs:<52} # {effective.exclude.origin}")
    lines.append("rules:")
    for rule_id, rule in effective.rules.items():
        lines.append(f"  {rule_id}:")
        row(2, "enabled", rule.enabled.value, rule.enabled.origin)
        if rule.options:
            lines.append("    options:")
            for name, option in rule.options.items():
                row(3, name, option.value, option.origin)
        lines.append("    checks:")
        for check, severity in rule.severities.items():
            row(3, check, severity.value, severity.origin)
    return "\n".join(lines) + "\n"


def _yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, str) and ("{" in value or ":" in value):
        return f'"{value}"'
    return str(value)


def settings_json(effective: Effective) -> str:
    """The effective settings as JSON: every value with its origin."""

    def entry(setting: Setting[Any]) -> dict[str, Any]:
        return {"value": setting.value, "origin": setting.origin}

    data = {
        "config": list(effective.files),
        "profile": entry(effective.profile),
        "fail_under": entry(effective.fail_under),
        "lang": entry(effective.lang),
        "strict_waivers": entry(effective.strict_waivers),
        "help_url": entry(effective.help_url),
        "exclude": {"value": list(effective.exclude.value), "origin": effective.exclude.origin},
        "rules": {
            rule_id: {
                "enabled": entry(rule.enabled),
                "options": {name: entry(option) for name, option in rule.options.items()},
                "checks": {check: entry(severity) for check, severity in rule.severities.items()},
            }
            for rule_id, rule in effective.rules.items()
        },
    }
    return json_text(data)
