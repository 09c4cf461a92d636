"""The version of cxaudit, in one place: the package, the reports and the baselines read it, and
the build takes it from here (pyproject.toml's ``[tool.hatch.version]``). A release changes only
this line; docs/releasing.md says how."""

__version__ = "0.1.0"
