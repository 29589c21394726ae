"""Swedish and English labels for the map and the report (no unit conversions here).

Swedish is the default language: the users are Swedish municipalities. Every label the
faces show comes from :data:`LABELS`; numbers are formatted by :func:`format_number`
(Swedish: decimal comma and a narrow no-break space between thousands).
"""

from __future__ import annotations

import math
from typing import Final

from maltid.errors import InputError

__all__ = [
    "COLUMN_LABELS",
    "KIND_LABELS",
    "LABELS",
    "LANGUAGES",
    "check_lang",
    "column_label",
    "format_number",
    "kind_description",
    "kind_label",
    "t",
]

LANGUAGES: Final = ("sv", "en")

LABELS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "legend_title": "Teckenförklaring",
        "kpi_title": "Nyckeltal per modell",
        "central_kitchen": "Centralkök",
        "local_kitchen_open": "Lokalt kök (öppet)",
        "local_kitchen_closed": "Lokalt kök (stängt/ej använt)",
        "route": "Körslinga (färg per fordon, pil = riktning)",
        "recipients_cells": "Mottagare per ruta ({size} km)",
        "recipients_layer": "Mottagare (rutor {size} km)",
        "recipients_exact": "Mottagare (exakta positioner)",
        "recipients_hidden": "{n} mottagare i glesa områden visas inte (integritet)",
        "network_layer": "Vägnät (för ruttberäkning)",
        "osm_attribution": "Vägdata © OpenStreetMap contributors, ODbL",
        "synthetic": "Syntetiska data – ingen verklig kommun eller person",
        "recipients_n": "{n} mottagare",
        "meals_per_week": "måltider/vecka",
        "route_popup_title": "Körslinga",
        "model": "Modell",
        "day": "Dag",
        "days_per_week": "dagar/vecka",
        "vehicle": "Fordon",
        "kitchen": "Kök",
        "stops": "Hållplatser",
        "km": "km",
        "minutes": "minuter",
        "meals": "Måltider",
        "role": "Roll",
        "role_central": "central",
        "role_local": "lokal",
        "status": "Status",
        "open": "öppet",
        "closed": "stängt",
        "not_used": "används inte i modellen",
        "fresh_meals": "Nylagade måltider/vecka",
        "chilled_meals": "Kylda måltider/vecka",
        "cost_per_meal": "Kostnad/måltid",
        "delivery_mode": "Leveranssätt",
        "recipients": "Mottagare",
        "local_deliveries": "Leveranser utan bil (gång/cykel/på plats)",
        "kpi_cost_per_meal": "Kostnad per måltid",
        "kpi_total": "Totalt per vecka",
        "kpi_km": "Fordonskm per vecka",
        "kpi_co2": "CO₂ per vecka",
        "kpi_fresh": "Nylagade måltider/vecka",
        "kpi_k2p": "Kök till tallrik (medel)",
        "kpi_unserved": "Ej betjänade mottagare",
        "baseline": "jämförelsebas",
        "report_title": "Matdistribution: jämförelse av leveransmodeller",
        "what_compared": "Vad som jämförs",
        "compared_intro": (
            "Rapporten jämför {n_models} sätt att leverera mat till {n_recipients} "
            "mottagare ({meals} måltider per vecka) i scenariot {scenario}. Alla modeller "
            "räknas på samma vägnät, samma mottagare och samma kostnadsantaganden. "
            "Jämförelsebasen är {baseline}."
        ),
        "kitchens_intro": "Kök i scenariot: {n_central} centralkök och {n_local} lokala kök.",
        "comparison_table": "Jämförelsetabell",
        "charts": "Diagram",
        "break_even": "Brytpunkter",
        "break_even_intro": (
            "Värdet där den lokala modellen kostar lika mycket som jämförelsebasen."
        ),
        "siting": "Optimerad mix: vilka kök öppnas",
        "siting_intro": (
            "Kandidatköken och beslutet. Varje alternativ är ruttplanerat på riktigt; "
            "kolumnen visar hur veckokostnaden ändras om just det köket öppnas "
            "(stängda kök) eller stängs (öppna kök). Positivt = dyrare."
        ),
        "siting_open": "öppnas",
        "siting_closed": "öppnas inte",
        "siting_chosen_by": "Vald plan: {how}. Ruttplanerade alternativ: {n}.",
        "chosen_by_mip": "optimeringsmodellens förslag",
        "chosen_by_village_first": "varje kök lagar åt sin egen by (Ramsjömodellen)",
        "chosen_by_central_only": "bara centralköket",
        "chosen_by_flip": "lokal sökning (ett kök öppnat eller stängt i taget)",
        "sensitivity": "Känslighetsanalys",
        "sensitivity_intro": (
            "Hur totalkostnaden per vecka ändras när en parameter i taget ändras."
        ),
        "not_computed": "Inte beräknad för detta scenario.",
        "assumptions": "Antaganden och källor",
        "unserved": "Mottagare som inte kan betjänas",
        "unserved_none": "Alla mottagare betjänas i alla modeller.",
        "reason": "Orsak",
        "count": "Antal",
        "map": "Karta",
        "map_note": (
            "Kartan fungerar utan internet; bakgrundskartan (OpenStreetMap-plattor) visas "
            "bara med nätverksanslutning. Mottagare visas som antal per ruta."
        ),
        "map_link": "Öppna kartan",
        "generated_by": "Skapad med maltid {version}",
        "parameter": "Parameter",
        "value": "Värde",
        "unit": "Enhet",
        "source": "Källa",
        "year": "År",
        "model_col": "Modell",
        "delta_vs_baseline": "Skillnad mot jämförelsebasen",
        "chart_cost_per_meal": "Kostnad per måltid (kr)",
        "chart_km": "Fordonskilometer per vecka",
        "chart_co2": "CO₂ per vecka (kg)",
        "chart_k2p": "Tid från kök till tallrik, medel (minuter)",
        "unit_sek": "kr",
        "unit_sek_week": "kr/vecka",
        "unit_km_week": "km/vecka",
        "unit_kg_week": "kg/vecka",
        "unit_min": "min",
        "unit_h_week": "h/vecka",
        "unit_meals_week": "måltider/vecka",
        "unit_pct": "%",
        "unit_n": "st",
        "yes": "ja",
        "no": "nej",
        "model_unserved": "{model}: {n} mottagare",
        "more_rows": "… och {n} rader till",
    },
    "en": {
        "legend_title": "Legend",
        "kpi_title": "Key figures per model",
        "central_kitchen": "Central kitchen",
        "local_kitchen_open": "Local kitchen (open)",
        "local_kitchen_closed": "Local kitchen (closed/unused)",
        "route": "Delivery route (colour per vehicle, arrow = direction)",
        "recipients_cells": "Recipients per cell ({size} km)",
        "recipients_layer": "Recipients ({size} km cells)",
        "recipients_exact": "Recipients (exact positions)",
        "recipients_hidden": "{n} recipients in sparse areas not shown (privacy)",
        "network_layer": "Road network (used for routing)",
        "osm_attribution": "Road data © OpenStreetMap contributors, ODbL",
        "synthetic": "Synthetic data – no real municipality or person",
        "recipients_n": "{n} recipients",
        "meals_per_week": "meals/week",
        "route_popup_title": "Route",
        "model": "Model",
        "day": "Day",
        "days_per_week": "days/week",
        "vehicle": "Vehicle",
        "kitchen": "Kitchen",
        "stops": "Stops",
        "km": "km",
        "minutes": "minutes",
        "meals": "Meals",
        "role": "Role",
        "role_central": "central",
        "role_local": "local",
        "status": "Status",
        "open": "open",
        "closed": "closed",
        "not_used": "not used in this model",
        "fresh_meals": "Fresh meals/week",
        "chilled_meals": "Chilled meals/week",
        "cost_per_meal": "Cost/meal",
        "delivery_mode": "Delivery mode",
        "recipients": "Recipients",
        "local_deliveries": "Deliveries without a car (foot/bicycle/on site)",
        "kpi_cost_per_meal": "Cost per meal",
        "kpi_total": "Total per week",
        "kpi_km": "Vehicle km per week",
        "kpi_co2": "CO₂ per week",
        "kpi_fresh": "Fresh meals/week",
        "kpi_k2p": "Kitchen to plate (mean)",
        "kpi_unserved": "Unserved recipients",
        "baseline": "baseline",
        "report_title": "Meal delivery: comparison of delivery models",
        "what_compared": "What was compared",
        "compared_intro": (
            "This report compares {n_models} ways of delivering meals to {n_recipients} "
            "recipients ({meals} meals per week) in the scenario {scenario}. Every model "
            "uses the same road network, the same recipients and the same cost "
            "assumptions. The baseline is {baseline}."
        ),
        "kitchens_intro": "Kitchens in the scenario: {n_central} central and {n_local} local.",
        "comparison_table": "Comparison table",
        "charts": "Charts",
        "break_even": "Break-even points",
        "break_even_intro": "The value at which the local model costs the same as the baseline.",
        "siting": "Optimised mix: which kitchens open",
        "siting_intro": (
            "The candidate kitchens and the decision. Every alternative is routed for "
            "real; the column shows how the weekly cost changes if that kitchen alone is "
            "opened (closed kitchens) or closed (open kitchens). Positive = dearer."
        ),
        "siting_open": "opened",
        "siting_closed": "not opened",
        "siting_chosen_by": "Plan chosen: {how}. Alternatives routed: {n}.",
        "chosen_by_mip": "the optimisation model's proposal",
        "chosen_by_village_first": "each kitchen cooks for its own village (Frame Lake)",
        "chosen_by_central_only": "the central kitchen only",
        "chosen_by_flip": "local search (one kitchen opened or closed at a time)",
        "sensitivity": "Sensitivity analysis",
        "sensitivity_intro": (
            "How the total weekly cost changes when one parameter at a time changes."
        ),
        "not_computed": "Not computed for this scenario.",
        "assumptions": "Assumptions and sources",
        "unserved": "Recipients who cannot be served",
        "unserved_none": "Every recipient is served in every model.",
        "reason": "Reason",
        "count": "Count",
        "map": "Map",
        "map_note": (
            "The map works offline; the background map (OpenStreetMap tiles) only shows "
            "with a network connection. Recipients are shown as counts per cell."
        ),
        "map_link": "Open the map",
        "generated_by": "Made with maltid {version}",
        "parameter": "Parameter",
        "value": "Value",
        "unit": "Unit",
        "source": "Source",
        "year": "Year",
        "model_col": "Model",
        "delta_vs_baseline": "Difference from the baseline",
        "chart_cost_per_meal": "Cost per meal (SEK)",
        "chart_km": "Vehicle kilometres per week",
        "chart_co2": "CO₂ per week (kg)",
        "chart_k2p": "Kitchen to plate, mean (minutes)",
        "unit_sek": "SEK",
        "unit_sek_week": "SEK/week",
        "unit_km_week": "km/week",
        "unit_kg_week": "kg/week",
        "unit_min": "min",
        "unit_h_week": "h/week",
        "unit_meals_week": "meals/week",
        "unit_pct": "%",
        "unit_n": "",
        "yes": "yes",
        "no": "no",
        "model_unserved": "{model}: {n} recipients",
        "more_rows": "… and {n} more rows",
    },
}

KIND_LABELS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "sv": {
        "central_daily_hot": (
            "Centralkök, varm mat",
            "Centralköket lagar maten och kör ut den varm till mottagarna.",
        ),
        "central_chilled": (
            "Centralkök, kyld mat",
            "Centralköket levererar kylda portioner som värms hemma; färre körningar.",
        ),
        "local_kitchens": (
            "Lokala kök (Ramsjömodellen)",
            "Lokala kök i byarna lagar och levererar maten nära mottagarna; resten "
            "levereras från centralköket.",
        ),
        "optimised_mix": (
            "Optimerad blandning",
            "De lokala kök som lönar sig öppnas; övriga mottagare får mat från centralköket.",
        ),
    },
    "en": {
        "central_daily_hot": (
            "Central kitchen, hot meals",
            "The central kitchen cooks and delivers the meals hot.",
        ),
        "central_chilled": (
            "Central kitchen, chilled meals",
            "The central kitchen delivers chilled meals that are reheated at home; fewer trips.",
        ),
        "local_kitchens": (
            "Local kitchens (Frame Lake model)",
            "Local village kitchens cook and deliver close to the recipients; the rest "
            "are delivered from the central kitchen.",
        ),
        "optimised_mix": (
            "Optimised mix",
            "The local kitchens that pay off are opened; the others are served by the "
            "central kitchen.",
        ),
    },
}


#: Column -> (Swedish label, English label, unit label key or "", decimals).
COLUMN_LABELS: Final[dict[str, tuple[str, str, str, int]]] = {
    "model": ("Modell", "Model", "", 0),
    "total_cost_sek_per_week": ("Totalkostnad", "Total cost", "unit_sek_week", 0),
    "cost_per_meal_sek": ("Kostnad per måltid", "Cost per meal", "unit_sek", 1),
    "delta_total_cost_sek_per_week": (
        "Skillnad mot basen",
        "Difference from baseline",
        "unit_sek_week",
        0,
    ),
    "delta_total_cost_pct": ("Skillnad mot basen", "Difference from baseline", "unit_pct", 1),
    "vehicle_km_per_week": ("Fordonskilometer", "Vehicle kilometres", "unit_km_week", 0),
    "driver_hours_per_week": ("Förartimmar", "Driver hours", "unit_h_week", 1),
    "co2_kg_per_week": ("CO₂", "CO₂", "unit_kg_week", 1),
    "fresh_meals_per_week": ("Nylagade måltider", "Fresh meals", "unit_meals_week", 0),
    "mean_kitchen_to_plate_min": (
        "Kök till tallrik, medel",
        "Kitchen to plate, mean",
        "unit_min",
        0,
    ),
    "max_kitchen_to_plate_min": ("Kök till tallrik, max", "Kitchen to plate, max", "unit_min", 0),
    "local_spend_sek_per_week": (
        "Inköp av lokal mat",
        "Local food spend",
        "unit_sek_week",
        0,
    ),
    "recipients_served": ("Betjänade mottagare", "Recipients served", "unit_n", 0),
    "recipients_unserved": ("Ej betjänade", "Unserved", "unit_n", 0),
    "parameter": ("Parameter", "Parameter", "", 0),
    "value": ("Värde", "Value", "", 2),
    "unit": ("Enhet", "Unit", "", 0),
    "source": ("Källa", "Source", "", 0),
    "year": ("År", "Year", "", 0),
    "description": ("Beskrivning", "Description", "", 0),
    "kitchen": ("Kök", "Kitchen", "", 0),
    "decision": ("Beslut", "Decision", "", 0),
    "delta_if_flipped_sek_per_week": (
        "Ändring om det vänds",
        "Change if flipped",
        "unit_sek_week",
        0,
    ),
    "base_value": ("Grundvärde", "Base value", "", 2),
    "low_value": ("Lågt värde", "Low value", "", 2),
    "high_value": ("Högt värde", "High value", "", 2),
    "total_low_sek": ("Totalt vid lågt värde", "Total at low value", "unit_sek_week", 0),
    "total_high_sek": ("Totalt vid högt värde", "Total at high value", "unit_sek_week", 0),
    "swing_sek": ("Utslag", "Swing", "unit_sek_week", 0),
    "break_even_value": ("Brytpunkt", "Break-even value", "", 2),
    "value_at_break_even": ("Brytpunkt", "Break-even value", "", 2),
    "bracketed": ("Hittad", "Found", "", 0),
    "iterations": ("Iterationer", "Iterations", "", 0),
}


def column_label(column: str, lang: str = "sv") -> tuple[str, str, int]:
    """Return (label, unit, decimals) of a table column; the raw name if unknown."""
    entry = COLUMN_LABELS.get(column)
    if entry is None:
        return column, "", 2
    sv, en, unit_key, decimals = entry
    label = sv if check_lang(lang) == "sv" else en
    return label, (t(unit_key, lang) if unit_key else ""), decimals


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


def kind_label(kind: str, lang: str = "sv") -> str:
    """Return the short human name of a delivery-model kind (the kind itself if unknown)."""
    entry = KIND_LABELS[check_lang(lang)].get(kind)
    return entry[0] if entry else kind


def kind_description(kind: str, lang: str = "sv") -> str:
    """Return a one-sentence plain-language description of a delivery-model kind."""
    entry = KIND_LABELS[check_lang(lang)].get(kind)
    return entry[1] if entry else ""


def format_number(value: object, *, decimals: int = 0, lang: str = "sv") -> str:
    """Format a number for people: grouping, ``decimals`` places; ``"–"`` for missing.

    Swedish uses a decimal comma and a no-break space between thousands
    (``1 234,5``); English uses ``1,234.5``.
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
    if check_lang(lang) == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text
