"""The version of cxaudit, in one place (the package, the reports and the baselines read it)."""

__version__ = "0.1.0"
