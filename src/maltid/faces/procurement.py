"""The procurement sheet in words: ``procurement.csv`` and the report's ``procurement``
section, in Swedish (funktionskrav, uppföljning, takpris) or English.

Data from :func:`maltid.analysis.procurement.procurement_sheet`; the CSV keeps full
precision, the HTML fragment rounds for reading (report-conventions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_csv
from maltid.analysis.procurement import (
    ALL_LOCAL,
    CeilingPrice,
    ProcurementSheet,
    Requirement,
    procurement_sheet,
)
from maltid.faces.i18n import check_lang, format_number, format_pct, model_title

if TYPE_CHECKING:
    from maltid.comparison import Comparison

__all__ = [
    "PROCUREMENT_COLUMNS",
    "procurement_rows",
    "procurement_section",
    "write_procurement_csv",
]

#: Columns of ``procurement.csv`` (``value`` in full precision, in ``unit``).
PROCUREMENT_COLUMNS = ("code", "key", "requirement", "value", "unit", "model", "how_to_follow_up")

# key -> (requirement, how to follow it up); {n}: the minutes of the hot-meal requirement
_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "sv": {
        "hot_meals_within_share": (
            "Andel varma måltider som når tallriken inom {n} minuter från tillagning",
            "Leverantören loggar tid för tillagning och servering vid varje leverans; "
            "kommunen granskar loggen varje månad och gör stickprov",
        ),
        "fresh_meals_per_week": (
            "Nylagade måltider per vecka (lagade samma dag, inte uppvärmda)",
            "Leveranslista per vecka mot beställda måltider; stickprov hos mottagarna",
        ),
        "delivery_days_per_week": (
            "Leveransdagar per vecka",
            "Leveranslista per vecka; avvikelser rapporteras samma dag",
        ),
        "local_food_share": (
            "Andel livsmedel köpta lokalt (av livsmedelskostnaden)",
            "Fakturor för livsmedel per kvartal, uppdelade på leverantör",
        ),
        "co2_kg_per_week": (
            "Koldioxidutsläpp från transporterna, högst (kg per vecka)",
            "Körjournal (km per vecka) gånger fordonets utsläpp per km, varje kvartal",
        ),
        "home_visits_per_week": (
            "Besök hos mottagarna per vecka (en person vid dörren)",
            "Leveranslista per vecka; mottagarnas upplevelse i den årliga brukarundersökningen",
        ),
        "max_kitchen_to_plate_min": (
            "Längsta tid från kök till tallrik, högst (minuter)",
            "Tidslogg per leverans; kommunen granskar den längsta tiden varje månad",
        ),
        "recipients_served": (
            "Mottagare som får sina måltider enligt avtalet",
            "Beslut om matdistribution mot leveranslistan varje månad",
        ),
        "local_spend_sek_per_week": (
            "Lokala inköp av livsmedel (kronor per vecka)",
            "Fakturor för livsmedel per kvartal, uppdelade på leverantör",
        ),
        "ceiling_price_sek_per_meal": (
            "Takpris per måltid, {kitchen}",
            "Pris i anbudet jämförs med takpriset; fakturerat pris per måltid följs upp "
            "varje kvartal",
        ),
    },
    "en": {
        "hot_meals_within_share": (
            "Share of hot meals on the plate within {n} minutes of cooking",
            "The supplier logs the time cooked and the time served for every delivery; the "
            "municipality reviews the log monthly and checks samples",
        ),
        "fresh_meals_per_week": (
            "Fresh meals a week (cooked that day, not reheated)",
            "Weekly delivery list against the meals ordered; samples at the recipients",
        ),
        "delivery_days_per_week": (
            "Delivery days a week",
            "Weekly delivery list; deviations reported the same day",
        ),
        "local_food_share": (
            "Share of the food bought locally (of the food cost)",
            "Food invoices each quarter, by supplier",
        ),
        "co2_kg_per_week": (
            "CO2 from transport, at most (kg a week)",
            "Driving log (km a week) times the vehicle's emissions per km, each quarter",
        ),
        "home_visits_per_week": (
            "Visits to the recipients a week (a person at the door)",
            "Weekly delivery list; the recipients' view in the yearly user survey",
        ),
        "max_kitchen_to_plate_min": (
            "Longest time from kitchen to plate, at most (minutes)",
            "Time log per delivery; the municipality reviews the longest time monthly",
        ),
        "recipients_served": (
            "Recipients who get their meals under the contract",
            "Meal-delivery decisions against the delivery list each month",
        ),
        "local_spend_sek_per_week": (
            "Local food purchases (SEK a week)",
            "Food invoices each quarter, by supplier",
        ),
        "ceiling_price_sek_per_meal": (
            "Ceiling price per meal, {kitchen}",
            "The bid price is compared with the ceiling price; the invoiced price per meal "
            "is followed up each quarter",
        ),
    },
}

_UNITS: dict[str, dict[str, str]] = {
    "sv": {
        "share": "andel (0–1)",
        "meals/week": "måltider/vecka",
        "days/week": "dagar/vecka",
        "kg/week": "kg/vecka",
        "visits/week": "besök/vecka",
        "min": "minuter",
        "recipients": "mottagare",
        "SEK/week": "kr/vecka",
        "SEK/meal": "kr/måltid",
    },
    "en": {
        "share": "share (0–1)",
        "meals/week": "meals/week",
        "days/week": "days/week",
        "kg/week": "kg/week",
        "visits/week": "visits/week",
        "min": "minutes",
        "recipients": "recipients",
        "SEK/week": "SEK/week",
        "SEK/meal": "SEK/meal",
    },
}

_TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "heading": "Upphandling: funktionskrav och takpris",
        "intro": (
            "Kraven beskriver vad modellen {model} ger: det resultat kommunen kan köpa, "
            "inte hur det ska göras. Ett anbud från en byabutik, en camping eller ett "
            "skolkök uppfyller kravet när värdet nås."
        ),
        "ceiling": (
            "Takpriset är det högsta pris per måltid som en lokal leverantör kan få medan "
            "den totala kostnaden inte blir högre än för {versus}, som ger samma personer "
            "mat."
        ),
        "no_ceiling": "Modellen har inget lokalt kök, så inget takpris beräknas.",
        "negative": (
            "Ett negativt takpris betyder att modellen blir dyrare än alternativet även om "
            "måltiderna vore gratis."
        ),
        "caption": "Funktionskrav med värden från planen, och uppföljning",
        "code": "Kod",
        "requirement": "Funktionskrav",
        "value": "Värde",
        "follow_up": "Uppföljning",
        "all_local": "alla lokala kök",
    },
    "en": {
        "heading": "Procurement: functional requirements and ceiling price",
        "intro": (
            "The requirements describe what the model {model} delivers: the outcome the "
            "municipality can buy, not how to achieve it. A bid from a village shop, a "
            "camping or a school kitchen meets a requirement when it reaches the value."
        ),
        "ceiling": (
            "The ceiling price is the highest price per meal a local supplier can be paid "
            "while the total cost stays no higher than that of {versus}, which feeds the "
            "same people."
        ),
        "no_ceiling": "The model has no local kitchen, so no ceiling price is computed.",
        "negative": (
            "A negative ceiling price means the model is dearer than the alternative even "
            "if the meals were free."
        ),
        "caption": "Functional requirements with values from the plan, and follow-up",
        "code": "Code",
        "requirement": "Requirement",
        "value": "Value",
        "follow_up": "Follow-up",
        "all_local": "all local kitchens",
    },
}


def _kitchen_name(comparison: Comparison, kitchen_id: str, lang: str) -> str:
    if kitchen_id == ALL_LOCAL:
        return _TEXT[lang]["all_local"]
    if kitchen_id == "home_care":
        return "hemtjänsten" if lang == "sv" else "home care"
    try:
        return comparison.scenario.kitchen(kitchen_id).name
    except KeyError:
        return kitchen_id


def _model_name(comparison: Comparison, name: str, lang: str) -> str:
    res = comparison.results.get(name)
    return model_title(name, res.kind, lang) if res is not None else name


def procurement_rows(
    comparison: Comparison, sheet: ProcurementSheet, *, lang: str = "sv"
) -> list[dict[str, Any]]:
    """The sheet as rows of :data:`PROCUREMENT_COLUMNS` in ``lang`` (values in full precision).

    Requirements ``F1``.., then one ``T1``.. row per ceiling price (key
    ``ceiling_price_sek_per_meal``, SEK/meal).
    """
    lang = check_lang(lang)
    words, units = _WORDS[lang], _UNITS[lang]
    rows: list[dict[str, Any]] = []
    for r in sheet.requirements:
        text, follow = words[r.key]
        rows.append(
            {
                "code": r.code,
                "key": r.key,
                "requirement": text.format(n=format_number(r.within_min, lang=lang)),
                "value": r.value,
                "unit": units[r.unit],
                "model": r.model,
                "how_to_follow_up": follow,
            }
        )
    text, follow = words["ceiling_price_sek_per_meal"]
    for i, c in enumerate(sheet.ceilings):
        rows.append(
            {
                "code": f"T{i + 1}",
                "key": "ceiling_price_sek_per_meal",
                "requirement": text.format(kitchen=_kitchen_name(comparison, c.kitchen_id, lang)),
                "value": c.ceiling_price_sek_per_meal,
                "unit": units["SEK/meal"],
                "model": c.model,
                "how_to_follow_up": follow,
            }
        )
    return rows


def write_procurement_csv(
    comparison: Comparison,
    path: str | Path,
    *,
    lang: str = "sv",
    sheet: ProcurementSheet | None = None,
    solution_limit: int | None = None,
) -> Path:
    """Write ``procurement.csv`` atomically (UTF-8, values in full precision); return its path.

    ``sheet`` defaults to :func:`procurement_sheet` of the comparison (re-solving the
    ceiling prices with ``solution_limit``); pass the sheet to share it with
    :func:`procurement_section`.
    """
    import pandas as pd

    if sheet is None:
        sheet = procurement_sheet(comparison, solution_limit=solution_limit)
    frame = pd.DataFrame(
        procurement_rows(comparison, sheet, lang=lang), columns=list(PROCUREMENT_COLUMNS)
    )
    return atomic_write_csv(Path(path), frame)


def _value_text(r: Requirement | CeilingPrice, unit: str, lang: str) -> str:
    if isinstance(r, CeilingPrice):
        sek = format_number(r.ceiling_price_sek_per_meal, decimals=0, lang=lang)
        return f"{sek}\u00a0{'kr per måltid' if lang == 'sv' else 'SEK per meal'}"
    if r.unit == "share":
        return format_pct(100.0 * r.value, lang=lang)
    decimals = 1 if r.unit == "kg/week" else 0
    return f"{format_number(r.value, decimals=decimals, lang=lang)}\u00a0{unit}"


_SECTION = """<section id="procurement" aria-labelledby="procurement-heading">
<h2 id="procurement-heading">{{ t.heading }}</h2>
<p>{{ intro }}</p>
<p>{{ ceiling }}</p>
<table>
<caption>{{ t.caption }}</caption>
<thead><tr><th scope="col">{{ t.code }}</th><th scope="col">{{ t.requirement }}</th>
<th scope="col">{{ t.value }}</th><th scope="col">{{ t.follow_up }}</th></tr></thead>
<tbody>
{% for row in rows %}<tr><th scope="row">{{ row.code }}</th><td>{{ row.requirement }}</td>
<td>{{ row.value }}</td><td>{{ row.follow }}</td></tr>
{% endfor %}</tbody>
</table>
</section>"""


def procurement_section(
    comparison: Comparison,
    lang: str = "sv",
    *,
    sheet: ProcurementSheet | None = None,
    solution_limit: int | None = None,
) -> str:
    """The report's ``<section id="procurement">`` (HTML, jinja2 autoescaped) in ``lang``.

    Rounded for reading (whole kronor, whole per cent); the CSV keeps full precision.
    """
    import jinja2

    lang = check_lang(lang)
    if sheet is None:
        sheet = procurement_sheet(comparison, solution_limit=solution_limit)
    t = _TEXT[lang]
    units = _UNITS[lang]
    rows: list[Mapping[str, str]] = []
    csv_rows = procurement_rows(comparison, sheet, lang=lang)
    items: list[Requirement | CeilingPrice] = [*sheet.requirements, *sheet.ceilings]
    for row, item in zip(csv_rows, items, strict=True):
        unit = units[item.unit] if isinstance(item, Requirement) else units["SEK/meal"]
        rows.append(
            {
                "code": str(row["code"]),
                "requirement": str(row["requirement"]),
                "value": _value_text(item, unit, lang),
                "follow": str(row["how_to_follow_up"]),
            }
        )
    model = _model_name(comparison, sheet.model, lang)
    if sheet.ceilings and sheet.versus_model is not None:
        ceiling = t["ceiling"].format(versus=_model_name(comparison, sheet.versus_model, lang))
        if any(c.ceiling_price_sek_per_meal < 0 for c in sheet.ceilings):
            ceiling += " " + t["negative"]
    else:
        ceiling = t["no_ceiling"]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_SECTION).render(
        t=t, intro=t["intro"].format(model=model), ceiling=ceiling, rows=rows
    )
