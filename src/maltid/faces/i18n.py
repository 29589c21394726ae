"""Labels and number formats of the faces, in Swedish (default) and English.

The words live in :mod:`maltid.faces.labels_sv` and :mod:`maltid.faces.labels_en`; this
module picks the language and formats numbers the way readers expect: Swedish
``132 564 kr`` and ``12,5 %`` (no-break space between thousands, decimal comma), English
``132,564 SEK``.
"""

from __future__ import annotations

import math
import re
from types import ModuleType
from typing import Final

from maltid.errors import InputError
from maltid.faces import labels_en, labels_sv

__all__ = [
    "LABELS",
    "LANGUAGES",
    "WEEKS_PER_YEAR",
    "check_lang",
    "column_label",
    "format_number",
    "format_pct",
    "format_sek",
    "kind_description",
    "kind_label",
    "model_title",
    "parameter_label",
    "reason_label",
    "source_text",
    "t",
    "unit_label",
]

LANGUAGES: Final = ("sv", "en")
#: A council budgets per year; every "per year" figure is 52 weeks.
WEEKS_PER_YEAR: Final = 52

_MODULES: Final[dict[str, ModuleType]] = {"sv": labels_sv, "en": labels_en}
LABELS: Final[dict[str, dict[str, str]]] = {k: m.LABELS for k, m in _MODULES.items()}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise :class:`InputError`."""
    if lang not in LANGUAGES:
        raise InputError(
            f"unknown language {lang!r} (option lang): use one of {', '.join(LANGUAGES)}"
        )
    return lang


def t(key: str, lang: str = "sv", **fields: object) -> str:
    """Return the label ``key`` in ``lang`` (plain text, not escaped), formatted with fields."""
    text = LABELS[check_lang(lang)][key]
    return text.format(**fields) if fields else text


def _humanise(name: str) -> str:
    """A last resort for an unknown identifier: words, not ``snake_case``."""
    words = re.sub(r"[_.]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def kind_label(kind: str, lang: str = "sv") -> str:
    """Return the human name of a delivery-model kind (report-conventions.md)."""
    entry = _MODULES[check_lang(lang)].KINDS.get(kind)
    return entry[0] if entry else _humanise(kind)


def kind_description(kind: str, lang: str = "sv") -> str:
    """Return a one-sentence plain-language description of a delivery-model kind."""
    entry = _MODULES[check_lang(lang)].KINDS.get(kind)
    return entry[1] if entry else ""


def model_title(name: str, kind: str, lang: str = "sv") -> str:
    """A model's title: the kind's human name, with the scenario's own name if it differs."""
    label = kind_label(kind, lang)
    return label if name == kind else f"{name} – {label}"


def column_label(column: str, lang: str = "sv") -> tuple[str, str, int]:
    """Return (label, unit, decimals) of a comparison-table column."""
    entry = _MODULES[check_lang(lang)].COLUMNS.get(column)
    if entry is None:
        return _humanise(column), "", 0
    return entry


def parameter_label(name: str, lang: str = "sv") -> str:
    """Plain label of a cost or scenario parameter, also ``kitchens.<id>.<field>`` names."""
    params = _MODULES[check_lang(lang)].PARAMETERS
    if name in params:
        return params[name]
    head, _, field = name.rpartition(".")
    if head.startswith("kitchens."):
        kitchen = head.split(".", 1)[1]
        return f"{params.get(field, _humanise(field))} ({t('kitchen', lang).lower()} {kitchen})"
    if field in params:
        return params[field]
    return _humanise(name)


def unit_label(unit: str, lang: str = "sv") -> str:
    """A unit in the reader's language (``SEK/km`` -> ``kr/km``)."""
    units = _MODULES[check_lang(lang)].UNITS
    text = str(unit)
    if text in units:
        return units[text]
    if lang == "sv":
        text = text.replace("SEK", "kr")
    return text


def reason_label(code: str, fallback: str = "", lang: str = "sv") -> str:
    """Plain reason for a not-served recipient from its reason code.

    Without a known code, a code in brackets at the end of ``fallback``
    (``"... [hot_holding]"``, as the models write them) is used; else ``fallback`` in
    English, else "another reason".
    """
    reasons = _MODULES[check_lang(lang)].REASONS
    if code in reasons:
        return reasons[code]
    tail = re.search(r"\[(\w+)\]\s*$", fallback)
    if tail and tail.group(1) in reasons:
        return reasons[tail.group(1)]
    return fallback if (fallback and lang == "en") else LABELS[lang]["other_reason"]


def _plain_names(text: str, lang: str) -> str:
    """Internal names inside a text (``driver_cost_per_hour_sek``, ``hot_meal = true``) in words."""
    params = _MODULES[lang].PARAMETERS

    def word(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "hot_meal":
            return LABELS[lang]["hot_meal_words"]
        if name in params:
            return f"“{params[name]}”"
        return _humanise(name).lower()

    text = re.sub(r"\(\s*\b([a-z]+_[a-z_]+)\b\s*=\s*\w+\s*\)", word, text)
    return re.sub(r"\b([a-z]+_[a-z_]+)\b", word, text)


def source_text(parameter: str, source: str, lang: str = "sv", source_sv: str = "") -> str:
    """The source of a parameter in the reader's language, without internal names.

    English: the catalogue's text. Swedish: ``source_sv`` when the catalogue has one, else
    (for maltid's own assumptions) a Swedish sentence saying so, else the catalogue's text.
    Parameter names inside the text become their plain labels.
    """
    module = _MODULES[check_lang(lang)]
    if lang == "sv" and source_sv:
        text = source_sv
    elif lang == "sv" and source.lower().startswith("maltid assumption"):
        text = str(module.ASSUMPTION_SOURCE)
    else:
        text = source
    return _plain_names(text, lang)


def format_number(value: object, *, decimals: int = 0, lang: str = "sv") -> str:
    """Format a number for people: grouping, ``decimals`` places; ``"–"`` for missing.

    Swedish uses a decimal comma and a no-break space between thousands
    (``1 234,5``); English uses ``1,234.5``. Minus is the typographic minus sign.
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–" if value is None else str(value)
    if math.isnan(number):
        return "–"
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    text = f"{number:,.{decimals}f}"
    if text.startswith("-"):
        text = "−" + text[1:]
        if text.strip("−0.,") == "":
            text = text[1:]  # no "−0"
    if check_lang(lang) == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_sek(value: object, *, lang: str = "sv", decimals: int = 0) -> str:
    """Money for people: ``132 564 kr`` (sv) or ``132,564 SEK`` (en)."""
    unit = "kr" if check_lang(lang) == "sv" else "SEK"
    return f"{format_number(value, decimals=decimals, lang=lang)}\u00a0{unit}"


def format_pct(value: object, *, lang: str = "sv", decimals: int = 0) -> str:
    """A percentage for people: ``12,5 %`` (sv, with a space) or ``12.5%`` (en)."""
    number = format_number(value, decimals=decimals, lang=lang)
    return f"{number}\u00a0%" if check_lang(lang) == "sv" else f"{number}%"
