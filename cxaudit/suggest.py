"""Did-you-mean suggestions for misspelt keys, ids and values."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable


def closest(word: str, candidates: Iterable[str], cutoff: float | None = None) -> str | None:
    """The candidate nearest to ``word``, or None when nothing is close enough.

    Short words get a lower bar: one wrong letter in a two-letter code ("ne" for "nl") is
    already half the word.
    """
    if cutoff is None:
        cutoff = 0.5 if len(word) <= 3 else 0.6
    pool = sorted(set(candidates))
    if not pool:
        return None
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return lowered[word.lower()]
    found = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A sentence tail such as "; did you mean 'say'?", or an empty string."""
    match = closest(word, candidates)
    return f"; did you mean '{match}'?" if match else ""


def quoted(text: str) -> str:
    """``text`` as a YAML quoted scalar: in double quotes, or in single quotes when it holds a
    double quote and no single quote (so nothing needs escaping)."""
    if '"' in text and "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def short(value: object, limit: int = 60) -> str:
    """A value fit for an error message: never the whole of a huge input."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- corrections for values that must take one written form ---------------------------------
#
# A value that fails a schema pattern is often the right thing in another spelling: Dutch or
# German day names in opening hours, "5 minuten" for a duration, "Nederlands" for a language
# code. Each fixer below returns its confident corrections (or none); `corrections` keeps only
# those that really match the schema's own pattern, so a suggestion is never itself an error.


def corrections(value: str, pattern: str) -> list[str]:
    """Confident corrections of ``value`` that match ``pattern`` (searched as JSON Schema does),
    best first; empty when there is none, or when ``value`` already matches."""
    try:
        regex = re.compile(pattern)
    except re.error:  # pragma: no cover - the shipped schemas compile
        return []
    if len(value) > 200 or regex.search(value):
        return []
    found: list[str] = []
    for fixer in _FIXERS:
        for candidate in fixer(value):
            if candidate != value and candidate not in found and regex.search(candidate):
                found.append(candidate)
        if found:
            break
    return found[:2]


def did_you_mean_value(value: str, pattern: str) -> str:
    """A sentence tail such as "; did you mean 'nl'?" for a value that fails ``pattern``."""
    found = corrections(value, pattern)
    if not found:
        return ""
    return "; did you mean " + " or ".join(f"'{short(c)}'" for c in found) + "?"


# ISO 639-1 codes by the language's English, Dutch, German and own name, and by the three-letter
# ISO 639-2 codes people copy from other systems.
_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "nl": ("dutch", "nederlands", "niederländisch", "hollands", "flemish", "vlaams", "nld", "dut"),
    "en": ("english", "engels", "englisch", "eng"),
    "de": ("german", "duits", "deutsch", "deu", "ger"),
    "fr": ("french", "frans", "français", "francais", "französisch", "fra", "fre"),
    "es": ("spanish", "spaans", "español", "espanol", "spanisch", "spa"),
    "it": ("italian", "italiaans", "italiano", "italienisch", "ita"),
    "pt": ("portuguese", "portugees", "português", "portugues", "portugiesisch", "por"),
    "pl": ("polish", "pools", "polski", "polnisch", "pol"),
    "tr": ("turkish", "turks", "türkçe", "turkce", "türkisch", "tur"),
    "ar": ("arabic", "arabisch", "ara"),
    "da": ("danish", "deens", "dansk", "dänisch", "dan"),
    "sv": ("swedish", "zweeds", "svenska", "schwedisch", "swe"),
    "fi": ("finnish", "fins", "suomi", "finnisch", "fin"),
    "no": ("norwegian", "noors", "norsk", "norwegisch", "nor"),
    "fy": ("frisian", "fries", "frysk", "friesisch", "fry"),
    "lb": ("luxembourgish", "luxemburgs", "lëtzebuergesch", "luxemburgisch", "ltz"),
    "cs": ("czech", "tsjechisch", "čeština", "tschechisch", "ces", "cze"),
    "el": ("greek", "grieks", "ελληνικά", "griechisch", "ell", "gre"),
    "hu": ("hungarian", "hongaars", "magyar", "ungarisch", "hun"),
    "ro": ("romanian", "roemeens", "română", "romana", "rumänisch", "ron", "rum"),
    "uk": ("ukrainian", "oekraïens", "oekraiens", "українська", "ukrainisch", "ukr"),
    "ru": ("russian", "russisch", "русский", "rus"),
}
_LANGUAGE_BY_NAME = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names}


# Every ISO 639-1 code: a suggestion is a real language.
_ISO_639_1_CODES = """\
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku
kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn
no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm
sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
vo wa wo xh yi yo za zh zu
"""
_ISO_639_1 = frozenset(_ISO_639_1_CODES.split())


def _language(value: str) -> list[str]:
    text = value.strip().lower().replace("_", "-")
    # NL, nl-NL, nl_BE, es-419, zh-Hant-TW: the language is the first part.
    if re.fullmatch(r"[a-z]{2}(?:-(?:[a-z]{2}|[0-9]{3}|[a-z]{4}))*", text):
        return [text[:2]] if text[:2] in _ISO_639_1 else []
    code = _LANGUAGE_BY_NAME.get(text)
    return [code] if code else []


# Units of a duration (s m h d w y) by the words Dutch, German and English writers use.
_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "s": (
        "s",
        "sec",
        "secs",
        "second",
        "seconds",
        "seconde",
        "seconden",
        "sek",
        "sekunde",
        "sekunden",
    ),
    "m": ("m", "min", "mins", "minute", "minutes", "minuut", "minuten", "mnt"),
    "h": ("h", "hr", "hrs", "hour", "hours", "u", "uur", "uren", "std", "stunde", "stunden"),
    "d": ("d", "day", "days", "dag", "dagen", "tag", "tage", "tagen"),
    "w": ("w", "wk", "wks", "week", "weeks", "weken", "woche", "wochen"),
    "y": ("y", "yr", "yrs", "year", "years", "j", "jr", "jaar", "jaren", "jahr", "jahre", "jahren"),
}
_UNIT_BY_WORD = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_MONTH_WORDS = frozenset(
    ("month", "months", "maand", "maanden", "mnd", "monat", "monate", "monaten")
)
# A number and its unit: "5 minuten", "1,5 uur", "30m" (never from inside another number).
_AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?")
_AND = re.compile(r"[\s,]|\b(?:en|and|und)\b")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ISO_UNITS = {"S": "s", "M": "m", "H": "h", "D": "d", "W": "w", "Y": "y"}


def _duration(value: str) -> list[str]:
    text = value.strip()
    iso = re.fullmatch(r"P(T?)(\d+)([YMWDHS])", text.upper())
    if iso:  # ISO 8601 with one part: PT5M, P1D, P2W
        timed, number, letter = iso.groups()
        if letter == "M" and not timed:
            return [f"{int(number) // 12}y"] if int(number) % 12 == 0 else []
        if bool(timed) == (letter in "HMS"):
            return [f"{int(number)}{_ISO_UNITS[letter]}"]
        return []
    parts = _AMOUNT.findall(text)
    if not parts or _AND.sub("", _AMOUNT.sub("", text)):
        return []
    if len(parts) == 1:
        number, word = parts[0]
        if word == "M":  # a capital M may be months
            return []
        amount = float(number.replace(",", "."))
        if word.lower() in _MONTH_WORDS:
            return [f"{int(amount) // 12}y"] if amount.is_integer() and amount % 12 == 0 else []
        unit = _UNIT_BY_WORD.get(word.lower())
        if unit is None:
            return []
        if amount.is_integer():
            return [f"{int(amount)}{unit}"]
        parts = [(number, word)]
    # A fraction or several parts (1,5 uur; 1h 30m): all in the smallest unit they need.
    seconds = 0.0
    for number, word in parts:
        unit = _UNIT_BY_WORD.get(word.lower())
        if unit is None or unit not in _SECONDS:
            return []
        seconds += float(number.replace(",", ".")) * _SECONDS[unit]
    for unit in ("w", "d", "h", "m", "s"):
        amount = seconds / _SECONDS[unit]
        if amount >= 1 and amount.is_integer():
            return [f"{int(amount)}{unit}"]
    return []


# Days of the week in English, Dutch and German (two-letter, three-letter and full names; the
# Dutch and German two-letter names that look alike, di and do, mean the same day in both).
_DAY_WORDS: dict[str, tuple[str, ...]] = {
    "mo": ("mo", "mon", "monday", "ma", "maa", "maandag", "montag"),
    "tu": ("tu", "tue", "tues", "tuesday", "di", "din", "dins", "dinsdag", "dienstag"),
    "we": ("we", "wed", "wednesday", "wo", "woe", "woensdag", "mi", "mittwoch"),
    "th": ("th", "thu", "thur", "thurs", "thursday", "do", "don", "donderdag", "donnerstag"),
    "fr": ("fr", "fri", "friday", "vr", "vrij", "vrijdag", "freitag"),
    "sa": ("sa", "sat", "saturday", "za", "zat", "zaterdag", "samstag", "sonnabend"),
    "su": ("su", "sun", "sunday", "zo", "zon", "zondag", "so", "sonntag"),
}
_DAY_BY_WORD = {word: day for day, words in _DAY_WORDS.items() for word in words}
_DAY_SPANS = {
    "mo-fr": ("weekdays", "werkdagen", "weekdagen", "werktage", "werktags", "wochentags"),
    "sa-su": ("weekend", "weekends", "weekenden", "wochenende"),
    "mo-su": ("daily", "dagelijks", "täglich", "taeglich"),
}
_SPAN_BY_WORD = {word: span for span, words in _DAY_SPANS.items() for word in words}
_CLOSED = frozenset(("closed", "gesloten", "dicht", "geschlossen"))
_FILLERS = frozenset(("van", "von", "from", "open", "geopend", "geöffnet", "uur", "uhr", "u", "h"))
_ALWAYS = re.compile(r"24(?:\s*[x/*-]\s*|\s+)7(?:(?:\s*[x/*-]\s*|\s+)365)?|always|altijd|immer")
_HOURS_TOKEN = re.compile(
    r"(?:(?P<time>\d{1,2}(?:[:.hu]\d{2})?)(?:\s*(?:uur|uhr|u|h)\b\.?)?"
    r"|(?P<range>t/m|-|(?:tot\s+en\s+met|tot|bis|to|through|thru|till|until)\b)"
    r"|(?P<sep>[,;&+]|(?:en|and|und)\b)"
    r"|(?P<word>[^\W\d_]+)\.?"
    r"|(?P<skip>:))"
)


def _hours_tokens(value: str) -> list[tuple[str, str]] | None:
    text = value.lower().replace("–", "-").replace("—", "-").strip()
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _HOURS_TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        position = match.end()
        kind = match.lastgroup or ""
        word = match.group(kind)
        if kind == "word":
            if word in _DAY_BY_WORD:
                tokens.append(("day", _DAY_BY_WORD[word]))
            elif word in _SPAN_BY_WORD:
                tokens.append(("span", _SPAN_BY_WORD[word]))
            elif word in _CLOSED:
                tokens.append(("closed", word))
            elif word not in _FILLERS:
                return None
        elif kind == "time":
            hour, minute = [*re.split(r"[:.hu]", word), "0"][:2]
            hours, minutes = int(hour), int(minute)
            if hours > 24 or minutes > 59 or (hours == 24 and minutes):
                return None
            tokens.append(("time", f"{hours:02d}:{minutes:02d}"))
        elif kind != "skip":
            tokens.append((kind, word))
    return tokens


def _hours(value: str) -> list[str]:
    if _ALWAYS.fullmatch(value.strip().lower()):
        return ["24/7"]
    tokens = _hours_tokens(value)
    if not tokens:
        return []
    at = 0

    def peek(offset: int = 0) -> str:
        return tokens[at + offset][0] if at + offset < len(tokens) else ""

    def times() -> list[str] | None:
        nonlocal at
        found: list[str] = []
        while peek() == "time" and peek(1) == "range" and peek(2) == "time":
            found.append(f"{tokens[at][1]}-{tokens[at + 2][1]}")
            at += 3
            if peek() == "sep" and peek(1) == "time":
                at += 1
        return found or None

    if peek() == "time":  # only times: the days are missing, and could be either
        only = times()
        if only is None or at < len(tokens):
            return []
        return [f"mo-fr {' '.join(only)}", f"mo-su {' '.join(only)}"]
    groups: list[str] = []
    while at < len(tokens):
        days: list[str] = []
        while peek() in ("day", "span"):
            first = tokens[at][1]
            at += 1
            if peek() == "range" and peek(1) == "day" and first in _DAY_WORDS:
                first = f"{first}-{tokens[at + 1][1]}"
                at += 2
            days.append(first)
            if peek() == "sep" and peek(1) in ("day", "span"):
                at += 1
        if not days:
            return []
        if peek() == "closed":
            at += 1
        else:
            spans = times()
            if spans is None:
                return []
            groups.append(f"{','.join(days)} {' '.join(spans)}")
        if peek() == "sep":
            at += 1
        elif peek() not in ("day", "span", ""):
            return []
    return [", ".join(groups)] if groups else []


def _rule_id(value: str) -> list[str]:
    match = re.fullmatch(r"cx[\s-]*(\d{1,2})", value.strip(), re.IGNORECASE)
    return [f"CX{int(match.group(1)):02d}"] if match else []


def _date(value: str) -> list[str]:
    """A date as YYYY-MM-DD: from 2027-6-30, or from 30-06-2027 (30.06.2027, 30/06/2027) where
    the day cannot be taken for the month."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text)
        if not match:
            return []
        day, month, year = (int(g) for g in match.groups())
        if day <= 12 and day != month:  # 03-04-2027: April or March? No guess.
            return []
    try:
        return [datetime.date(year, month, day).isoformat()]
    except ValueError:
        return []


def _web_address(value: str) -> list[str]:
    """``www.example.nl/privacy``: a host name with a dot (and a path), without its https://."""
    text = value.strip()
    host = text.split("/", 1)[0]
    labels = host.split(".")
    if any(char.isspace() for char in text) or len(labels) < 2:
        return []
    if not all(label and label.replace("-", "").isalnum() for label in labels):
        return []
    return [f"https://{text}"] if labels[-1].isalpha() and len(labels[-1]) >= 2 else []


_FIXERS: tuple[Callable[[str], list[str]], ...] = (
    _language,
    _duration,
    _hours,
    _rule_id,
    _date,
    _web_address,
)
