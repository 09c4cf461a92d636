"""cxaudit: audit AI customer-contact bots against ten golden rules.

For Python callers, what ``cxaudit check`` does::

    import cxaudit

    report = cxaudit.audit(["bots/"], cxaudit.Settings(fail_under=85))
    print(report.passed, [(f.path, f.score) for f in report.files])

``audit`` finds files as the command line does and returns its :class:`~cxaudit.report.Report`;
the formatters in :mod:`cxaudit.formatters` render it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxaudit._version import __version__

__all__ = ["Report", "Settings", "__version__", "audit"]

if TYPE_CHECKING:
    from cxaudit.engine import audit_paths as audit
    from cxaudit.loading import Settings
    from cxaudit.report import Report


def __getattr__(name: str) -> Any:
    # Imported on first use: `cxaudit --version` and `cxaudit rules` need none of the engine.
    if name == "audit":
        from cxaudit.engine import audit_paths

        return audit_paths
    if name == "Settings":
        from cxaudit.loading import Settings

        return Settings
    if name == "Report":
        from cxaudit.report import Report

        return Report
    raise AttributeError(f"module 'cxaudit' has no attribute {name!r}")
