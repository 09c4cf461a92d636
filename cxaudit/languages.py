"""The languages cxaudit writes its reports in (plain data, below every layer that uses it)."""

LANGUAGES = ("en", "nl")
