"""Swedish labels of the faces (the default language): klarspråk, no internal names.

Keys are shared with :mod:`maltid.faces.labels_en`; a test checks both have the same keys.
Texts with ``{fields}`` are formatted by :func:`maltid.faces.i18n.t`.
"""

from __future__ import annotations

from typing import Final

__all__ = ["COLUMNS", "KINDS", "LABELS", "PARAMETERS", "REASONS", "UNITS"]

LABELS: Final[dict[str, str]] = {
    # -- map
    "legend_title": "Teckenförklaring",
    "kpi_title": "Nyckeltal",
    "kpi_toggle": "Visa eller dölj nyckeltal",
    "model_choice": "Visa modell",
    "central_kitchen": "Centralkök",
    "local_kitchen_open": "Lokalt kök (används)",
    "local_kitchen_closed": "Lokalt kök (används inte)",
    "route": "Körslinga (färg per fordon, pil = riktning)",
    "recipients_cells": "Mottagare per ruta ({sizes})",
    "recipients_layer": "Mottagare (antal per ruta)",
    "recipients_exact": "Mottagare (exakta positioner)",
    "recipients_hidden": "{n} mottagare i glesa områden visas inte (integritet)",
    "privacy_note": (
        "Mottagarna är personuppgifter: kartan visar bara antal per ruta, aldrig var någon bor."
    ),
    "network_layer": "Vägnät (för ruttberäkning)",
    "base_layer": "Bakgrund från OpenStreetMap-filen (orter, vatten, bebyggelse)",
    "tiles_layer": "OpenStreetMap-plattor (kräver internet)",
    "legend_water": "Vatten",
    "legend_builtup": "Bebyggelse",
    "places_layer": "Ortnamn",
    "osm_attribution": "Kartdata © OpenStreetMap contributors, ODbL",
    "synthetic": "Syntetiska data – ingen verklig kommun eller person",
    "recipients_n": "{n} mottagare",
    "meals_per_week": "måltider per vecka",
    "route_popup_title": "Körslinga",
    "model": "Modell",
    "day": "Dag",
    "days_per_week": "dagar per vecka",
    "vehicle": "Fordon",
    "kitchen": "Kök",
    "stops": "Hållplatser",
    "km": "km",
    "minutes": "minuter",
    "meals": "Måltider",
    "role": "Roll",
    "role_central": "centralkök",
    "role_local": "lokalt kök",
    "home_care_base": "hemtjänstens utgångspunkt",
    "status": "Status",
    "open": "används",
    "closed": "används inte",
    "not_used": "används inte i modellen",
    "fresh_meals": "Nylagade måltider per vecka",
    "chilled_meals": "Kylda måltider per vecka",
    "cost_per_meal": "Kostnad per måltid",
    "delivery_mode": "Leveranssätt",
    "recipients": "Mottagare",
    "local_deliveries": "Leveranser utan bil (gång, cykel, på plats)",
    "not_served_title": "Får mat på annat sätt eller nås inte",
    "not_served_fallback": "{n} får mat via reservleverans: {reason}",
    "not_served_unserved": "{n} nås inte: {reason}",
    "not_served_fallback_cell": "{n} mottagare får mat via reservleverans här",
    "not_served_unserved_cell": "{n} mottagare nås inte här",
    "legend_not_served": "Reservleverans eller ej nådda (streckad ruta)",
    "kpi_cost_per_meal": "Kostnad per måltid",
    "kpi_total": "Totalt per vecka",
    "kpi_km": "Körsträcka per vecka",
    "kpi_co2": "Koldioxid per vecka",
    "kpi_fresh": "Nylagade måltider per vecka",
    "kpi_k2p": "Från kök till tallrik (medel)",
    "kpi_unserved": "Nås inte",
    "kpi_fallback": "Via reservleverans",
    "mode_car": "bil",
    "mode_foot": "till fots",
    "mode_bicycle": "cykel",
    "mode_on_site": "äter på plats",
    "unit_sek": "kr",
    "unit_sek_week": "kr/vecka",
    "unit_km_week": "km/vecka",
    "unit_kg_week": "kg/vecka",
    "unit_min": "min",
    "unit_h_week": "timmar/vecka",
    "unit_meals_week": "måltider/vecka",
    "hot_meal_words": "varm mat",
    "other_reason": "annan orsak",
    "baseline": "jämförelsebas",
    # -- report: frame
    "report_title": "Matdistribution i hemtjänsten: jämförelse av leveransmodeller",
    "report_subtitle": "Underlag till beslut",
    "toc": "Innehåll",
    "date": "Datum",
    "scenario_label": "Scenario",
    "privacy_report": (
        "Rapporten innehåller inga namn eller adresser. Mottagarna visas bara som antal per område."
    ),
    "generated_by": "Skapad med maltid {version}",
    # -- report: sections
    "sec_conclusion": "Sammanfattning",
    "sec_proposal": "Förslag till beslut",
    "sec_background": "Ärendet",
    "sec_economy": "Ekonomiska konsekvenser",
    "sec_effects": "Konsekvenser för brukarna, miljön och lokalsamhället",
    "sec_robustness": "Osäkerhet",
    "sec_procurement": "Upphandling",
    "sec_basis": "Underlag",
    "sec_table": "Jämförelsetabell",
    "sec_map": "Karta",
    "sec_assumptions": "Antaganden och källor",
    "sec_not_served": "Mottagare som får mat på annat sätt eller inte nås",
    "sec_method": "Metod",
    "sec_siting": "Optimerad blandning: vilka kök som används",
    "sec_breakdown": "Kostnaderna i detalj",
    "sec_charts": "Diagram",
    "sec_break_even": "Vad som måste gälla för att lokala kök inte ska kosta mer",
    "sec_sensitivity": "Känslighet: vilka antaganden som betyder mest",
    "sec_probabilities": "Sannolikhet att varje modell är billigast",
    # -- conclusion sentences
    "c_cheapest": (
        "Billigast av de modeller som når alla {n} mottagare är {model}: {week} per vecka, "
        "{year} per år ({meal} per måltid)."
    ),
    "c_no_cheapest": (
        "Ingen modell når alla {n} mottagare. Jämför därför antalet som nås innan "
        "kostnaderna jämförs."
    ),
    "c_local_dearer": ("{model} kostar {week} mer per vecka ({year} per år) än {versus}."),
    "c_local_cheaper": ("{model} kostar {week} mindre per vecka ({year} per år) än {versus}."),
    "c_fresh_gain": (
        "I gengäld får mottagarna {fresh} nylagade måltider per vecka i stället för "
        "{fresh_versus}, alltså {per_meal} extra per nylagad måltid."
    ),
    "c_fresh_also": (
        "Dessutom får mottagarna {fresh} nylagade måltider per vecka i stället för {fresh_versus}."
    ),
    "c_fresh_same": "Båda ger {fresh} nylagade måltider per vecka.",
    "c_local_spend": (
        "{spend} per vecka stannar i byarna som inköp av lokal mat ({per_krona} för "
        "varje krona i merkostnad)."
    ),
    "c_break_even": "{model} kostar inte mer än {versus} om {condition}.",
    "c_break_even_none": (
        "Inom de prövade intervallen finns inget enskilt antagande som gör {model} lika "
        "billigt som {versus}."
    ),
    "c_outcomes": "Det som skiljer för brukarna ({model} mot {versus}):",
    "c_item_fresh": "Nylagade måltider: {a} mot {b} per vecka",
    "c_item_k2p": "Från kök till tallrik: {a} mot {b} minuter i medel",
    "c_item_k2p_days": "Från kök till tallrik: {a} minuter mot {b} dagar i medel",
    "c_item_visits": "Hembesök med mat: {a} mot {b} per vecka",
    "c_item_co2": "Koldioxid: {a} mot {b} kg per vecka",
    "c_item_spend": "Inköp av lokal mat: {a} mot {b} per vecka",
    "c_same_result": "{model} ger samma kostnad och samma resultat som {other}.",
    "c_everyone": "Alla {n} mottagare får mat i alla modeller.",
    "c_not_everyone": (
        "{model}: {fallback} mottagare får mat via reservleverans och {unserved} nås inte."
    ),
    "be_local_cost_per_meal": "kostnaden per måltid i {kitchen} är högst {value}",
    "be_local_cost_per_meal_up": "kostnaden per måltid i {kitchen} är minst {value}",
    "be_village_recipients": "{kitchen} lagar mat åt minst {value} mottagare",
    "be_village_recipients_down": "{kitchen} lagar mat åt högst {value} mottagare",
    "be_village_distance": "avståndet från centralköket till byn är minst {value} gånger dagens",
    "be_village_distance_down": (
        "avståndet från centralköket till byn är högst {value} gånger dagens"
    ),
    "be_fuel_cost": "fordonskostnaden är minst {value} per km",
    "be_fuel_cost_down": "fordonskostnaden är högst {value} per km",
    "be_generic": "{parameter} är {value}",
    "be_today": "i dag {value}",
    # -- proposal
    "p_shows": "Jämförelsen visar att {model} är det billigaste sättet att nå alla mottagare.",
    "p_fresh": (
        "Om nämnden vill att mottagarna ska få nylagad mat varje dag visar jämförelsen att "
        "{model} är billigast av de alternativen, {week} mer per vecka ({year} per år)."
    ),
    "p_fresh_cheapest": ("Det alternativet ger också mottagarna nylagad mat varje dag."),
    "p_decide": (
        "Rapporten föreslår inget val av modell: den visar vad valet kostar och ger. "
        "Beslutet fattas av nämnden."
    ),
    # -- background
    "bg_intro": (
        "Rapporten jämför {n_models} sätt att leverera mat till {n} mottagare "
        "({meals} måltider per vecka) i scenariot {scenario}. Alla modeller räknas på "
        "samma vägnät, samma mottagare och samma kostnadsantaganden."
    ),
    "bg_kitchens": "I scenariot finns {n_central} centralkök och {n_local} lokala kök.",
    "bg_network": (
        "Körvägarna är beräknade på vägnätet från OpenStreetMap med verkliga avstånd och "
        "hastighetsgränser."
    ),
    "bg_models": "Modellerna",
    # -- economy
    "eco_intro": (
        "Kostnader per vecka och per år (52 veckor). Skillnaden räknas mot {model}, det "
        "billigaste alternativet som når samma mottagare."
    ),
    "eco_intro_none": "Kostnader per vecka och per år (52 veckor).",
    "col_model": "Modell",
    "col_models": "Modeller",
    "col_week": "Kronor per vecka",
    "col_per_year": "Kronor per år",
    "col_meal": "Kronor per måltid",
    "col_diff_week": "Skillnad per vecka",
    "col_diff_year": "Skillnad per år",
    "col_measure": "Mått",
    "diff_reference": "jämförelse",
    "eco_fresh_meal": (
        "{model}: {per_meal} mer per nylagad måltid som mottagarna får i stället för en kyld."
    ),
    "breakdown_intro": "Vad kostnaden per vecka består av (kronor per vecka).",
    # -- effects
    "eff_intro": "Det mottagarna får, och vad modellerna betyder för miljön och byarna.",
    "eff_holding": (
        "Varm mat får enligt scenariot vara högst {limit} minuter från köket tills den "
        "lämnas hos mottagaren. Gränsen gäller de mottagare som ska ha maten varm. "
        "Tider över gränsen i tabellen gäller mottagare som inte behöver maten varm "
        "(samma dags mat som inte hålls varm) eller kylda matlådor, där tiden räknas i "
        "dagar fram till måltiden."
    ),
    "eff_deliveries_raised": (
        "{model}: scenariot bad om {asked} leveranser per vecka; de har höjts till "
        "{planned} så att ingen matlåda äts senare än hållbarheten tillåter ({days} dagar)."
    ),
    "eff_chilled": ("Kylda matlådor värms hemma; tiden från kök till tallrik är då flera dagar."),
    "chart_alt": "Diagram: {title}. Samma siffror finns i tabellen ovan.",
    "chart_cost_per_meal": "Kostnad per måltid (kr)",
    "chart_total_week": "Kostnad per vecka (kr)",
    "chart_km": "Körsträcka per vecka (km)",
    "chart_co2": "Koldioxid per vecka (kg)",
    # -- robustness
    "rob_probabilities": (
        "Andel av {n} framtider (samtidig variation av alla osäkra antaganden) där varje "
        "modell är billigast och når alla."
    ),
    "rob_col_probability": "Andel framtider där modellen är billigast",
    "rob_col_range": "Merkostnad per vecka, 10–90 %",
    "rob_col_total": "Kostnad per vecka, 10–90 %",
    "rob_col_no_dearer": "Andel framtider där den inte är dyrare",
    "rob_against": "mot {model}",
    "c_robust": (
        "{model} kostar inte mer än {versus} i {k} av 10 framtider "
        "({pct}) när alla osäkra antaganden varieras samtidigt."
    ),
    "rob_none": (
        "Sannolikheter är inte beräknade för detta scenario. Nedan visas hur mycket varje "
        "antagande ensamt ändrar resultatet."
    ),
    "rob_sensitivity_intro": (
        "Varje antagande ändras ett i taget med ±{pct} %. Kolumnerna visar {what} vid lågt "
        "och högt värde. Antaganden som inte ändrar resultatet visas inte."
    ),
    "rob_what_total": "kostnaden per vecka",
    "rob_what_difference": "merkostnaden per vecka för {model} jämfört med {versus}",
    "rob_zero": "{n} antaganden påverkar inte resultatet och visas inte.",
    "rob_be_intro": (
        "Värdet där den lokala modellen kostar lika mycket som den modell den jämförs med "
        "(kolumnen Modeller). Om inget värde finns i det prövade intervallet står det "
        "”inte inom intervallet”."
    ),
    "col_assumption": "Antagande",
    "col_today": "Värde i dag",
    "col_low": "Lågt värde",
    "col_high": "Högt värde",
    "col_at_low": "Resultat vid lågt värde",
    "col_at_high": "Resultat vid högt värde",
    "col_swing": "Skillnad mellan lågt och högt",
    "col_break_even": "Brytpunkt",
    "col_interval": "Prövat intervall",
    "col_kitchen": "Kök",
    "not_in_range": "inte inom intervallet",
    "how_repriced": "samma körplan, nya priser",
    "how_resolved": "körplanen räknad om",
    # -- basis
    "table_intro": "Alla mått per modell. Mått per vecka om inget annat anges.",
    "map_note": (
        "Kartan fungerar utan internet. Bakgrunden (orter, vatten, bebyggelse) kommer från "
        "samma OpenStreetMap-fil som vägnätet. Mottagare visas som antal per ruta."
    ),
    "map_link": "Öppna kartan",
    "map_title": "Karta över körslingor och kök",
    "assumptions_intro": (
        "Alla antaganden bakom siffrorna. ”Scenariovärde” betyder att kommunen har angett "
        "ett eget värde i stället för standardvärdet; källan gäller då standardvärdet."
    ),
    "col_parameter": "Antagande",
    "col_value": "Värde",
    "col_unit": "Enhet",
    "col_source": "Källa",
    "col_year": "År",
    "scenario_value": "Scenariovärde",
    "scenario_value_default": "Scenariovärde (standardvärdet {default} har källan: {source})",
    "scenario_file": "Scenariofilen",
    "not_served_intro": (
        "Mottagare som modellens eget leveranssätt inte når får mat via reservleverans "
        "(kylda matlådor från centralköket) eller nås inte alls. Antal per orsak; inga "
        "namn."
    ),
    "not_served_none": "Alla mottagare får mat med modellens eget leveranssätt i alla modeller.",
    "col_reason": "Orsak",
    "col_count": "Antal mottagare",
    "col_outcome": "Utfall",
    "outcome_fallback": "reservleverans",
    "outcome_unserved": "nås inte",
    "method_text": (
        "Varje modell planeras som en verklig körvecka: fordonens slingor optimeras på "
        "vägnätet (OR-Tools) med fordonens kapacitet, arbetspassets längd och hur länge "
        "maten får hållas varm. Kostnaden är summan av måltider, förpackningar, köken, "
        "körsträcka, förartid och fordon. Brytpunkter hittas genom att räkna om båda "
        "modellerna med nya värden tills kostnaderna möts. Känsligheten visar ett "
        "antagande i taget."
    ),
    "siting_intro": (
        "De lokala kök som kan användas, och beslutet för varje. Varje alternativ är "
        "planerat med riktiga körslingor. Kolumnen visar hur kostnaden per vecka ändras "
        "om beslutet för just det köket vänds."
    ),
    "siting_open": "används",
    "siting_closed": "används inte",
    "siting_why": "{how}. {n} alternativ planerades och jämfördes.",
    "siting_why_cheapest": (
        "Planen valdes för att den är billigast av de planerade alternativen som når lika "
        "många mottagare."
    ),
    "siting_flip_dearer": "{kitchen}: att vända beslutet kostar {delta} mer per vecka.",
    "siting_flip_cheaper": (
        "{kitchen}: att vända beslutet skulle spara {delta} per vecka, men {reason}."
    ),
    "siting_flip_reason": "planen med köket vänt når färre mottagare eller bryter mot en gräns",
    "col_decision": "Beslut",
    "col_flip": "Ändring per vecka om beslutet vänds",
    "chosen_by_mip": "Optimeringsmodellens förslag",
    "chosen_by_village_first": "Varje kök lagar åt sin egen by (Ramsjömodellen)",
    "chosen_by_central_only": "Bara centralköket",
    "chosen_by_flip": "Lokal sökning (ett kök i taget används eller inte)",
    "notes_title": "Att observera",
    "not_computed": "Inte beräknat för detta scenario.",
    "more_rows": "… och {n} rader till",
    "yes": "ja",
    "no": "nej",
    "per_week": "per vecka",
    "per_year": "per år",
    "weeks_per_year_note": "Ett år räknas som 52 veckor.",
}

#: Kind -> (name, one-sentence description); names from report-conventions.md.
KINDS: Final[dict[str, tuple[str, str]]] = {
    "central_daily_hot": (
        "Centralkök, varm mat dagligen",
        "Centralköket lagar maten och kör ut den varm till mottagarna varje dag.",
    ),
    "central_chilled": (
        "Centralkök, kylda matlådor",
        "Centralköket kör ut kylda matlådor några gånger i veckan; mottagarna värmer "
        "maten själva eller med hjälp av hemtjänsten.",
    ),
    "local_kitchens": (
        "Lokala kök (Ramsjömodellen)",
        "Kök i byarna lagar maten och levererar den nära mottagarna; övriga får mat från "
        "centralköket.",
    ),
    "optimised_mix": (
        "Optimerad blandning",
        "De lokala kök som lönar sig används; övriga mottagare får mat från centralköket.",
    ),
    "home_care_cooking": (
        "Hemlagat i hemtjänsten",
        "Hemtjänsten lagar maten hemma hos mottagaren.",
    ),
}

#: Table column -> (label, unit, decimals).
COLUMNS: Final[dict[str, tuple[str, str, int]]] = {
    "model": ("Modell", "", 0),
    "total_cost_sek_per_week": ("Kostnad per vecka", "kr", 0),
    "cost_per_meal_sek": ("Kostnad per måltid", "kr", 0),
    "delta_total_cost_sek_per_week": ("Skillnad mot jämförelsebasen", "kr per vecka", 0),
    "delta_total_cost_pct": ("Skillnad mot jämförelsebasen", "%", 0),
    "production_cost_sek_per_week": ("Måltider (tillagning)", "kr per vecka", 0),
    "packaging_cost_sek_per_week": ("Förpackningar", "kr per vecka", 0),
    "fixed_kitchen_cost_sek_per_week": ("Fasta kostnader för köken", "kr per vecka", 0),
    "vehicle_km_cost_sek_per_week": ("Körsträcka", "kr per vecka", 0),
    "driver_cost_sek_per_week": ("Förarnas arbetstid", "kr per vecka", 0),
    "vehicle_fixed_cost_sek_per_week": ("Fordon", "kr per vecka", 0),
    "local_delivery_cost_sek_per_week": ("Leverans till fots, cykel, på plats", "kr per vecka", 0),
    "fallback_cost_sek_per_week": ("Varav reservleveranser (ingår ovan)", "kr per vecka", 0),
    "home_care_cost_sek_per_week": ("Hemtjänstens tid", "kr per vecka", 0),
    "home_care_hours_per_week": ("Hemtjänstens timmar", "timmar per vecka", 1),
    "reheating_cost_sek_per_week": ("Hjälp att värma maten", "kr per vecka", 0),
    "meals_per_week": ("Måltider", "per vecka", 0),
    "vehicle_km_per_week": ("Körsträcka", "km per vecka", 0),
    "driver_hours_per_week": ("Förartimmar", "timmar per vecka", 0),
    "co2_kg_per_week": ("Koldioxid", "kg per vecka", 0),
    "fresh_meals_per_week": ("Nylagade måltider", "per vecka", 0),
    "reheated_meals_per_week": ("Uppvärmda måltider", "per vecka", 0),
    "mean_kitchen_to_plate_min": ("Från kök till tallrik, medel", "minuter", 0),
    "max_kitchen_to_plate_min": ("Från kök till tallrik, längst", "minuter", 0),
    "local_spend_sek_per_week": ("Inköp av lokal mat", "kr per vecka", 0),
    "local_working_hours_per_week": ("Arbetstimmar i byarna", "timmar per vecka", 0),
    "recipient_visits_per_week": ("Hembesök med mat", "per vecka", 0),
    "recipients_served": ("Mottagare som får mat", "antal", 0),
    "recipients_fallback": ("Mottagare via reservleverans", "antal", 0),
    "recipients_unserved": ("Mottagare som inte nås", "antal", 0),
    "vehicles_used_per_day_max": ("Fordon som behövs en dag", "antal", 0),
    "vehicles_needed": ("Fordon som behövs", "antal", 0),
}

#: Cost-parameter name -> plain label (the assumptions and sensitivity tables).
PARAMETERS: Final[dict[str, str]] = {
    "cost_per_km_sek": "Fordonskostnad per km",
    "driver_cost_per_hour_sek": "Förarkostnad per timme",
    "co2_kg_per_km": "Koldioxid per km",
    "fixed_cost_sek_per_vehicle_day": "Fast kostnad per fordon och dag",
    "fixed_cost_sek_per_vehicle_week": "Fast kostnad per fordon och vecka",
    "food_cost_share_of_meal": "Råvarornas andel av måltidens kostnad",
    "chilled_packaging_sek_per_meal": "Förpackning per kyld måltid",
    "local_staff_minutes_per_meal": "Personalminuter per måltid i lokala kök",
    "walking_speed_kph": "Gånghastighet",
    "cycling_speed_kph": "Cykelhastighet",
    "local_delivery_staff_cost_per_hour_sek": "Personalkostnad per timme, leverans utan bil",
    "chilled_days_cooked_before_delivery": "Dagar mellan tillagning och leverans, kyld mat",
    "central_cost_per_meal_sek": "Centralkökets kostnad per måltid",
    "local_cost_per_meal_sek": "De lokala kökens kostnad per måltid",
    "local_fixed_cost_sek_per_day": "De lokala kökens fasta kostnad per dag",
    "local_cost_per_meal": "Det lokala kökets kostnad per måltid",
    "village_recipients": "Antal mottagare i byn",
    "village_distance": "Avstånd från centralköket till byn (faktor)",
    "fuel_cost": "Fordonskostnad per km",
    "home_care_cost_per_hour_sek": "Hemtjänstens kostnad per timme",
    "driver_loading_min_per_route": "Lastning vid köket per tur",
    "driver_min_paid_min_per_route_day": "Kortaste betalda förartid per tur och dag",
    "central_fixed_share_of_meal_cost": "Fast andel av centralkökets kostnad per måltid",
    "reheating_minutes_per_meal": "Minuter för att värma en kyld måltid",
    "reheating_help_share_hot_meal": "Andel som behöver hjälp att värma (beslut om varm mat)",
    "reheating_help_share_other": "Andel som behöver hjälp att värma (övriga)",
    "fixed_cost_basis": "Grund för fordonens fasta kostnad",
    "chilled_vehicle_capacity_meals": "Fordonens kapacitet, kylda måltider",
    "home_care_visit_min": "Hemtjänstens besökstid för måltiden",
    "home_care_cooking_min_per_meal": "Hemtjänstens minuter för att laga en måltid",
    "home_care_groceries_sek_per_meal": "Livsmedel per måltid som hemtjänsten lagar",
    "home_care_local_food_share": "Andel lokalt köpta livsmedel i hemtjänsten",
    "cost_per_meal_sek": "Kostnad per måltid",
    "fixed_cost_sek_per_day": "Fast kostnad per dag",
    "capacity_meals_per_day": "Kapacitet, måltider per dag",
    "local_food_share": "Andel lokalt producerad mat",
    "vehicle_capacity_meals": "Fordonens kapacitet, måltider",
    "vehicle_capacity_chilled_meals": "Fordonens kapacitet, kylda måltider",
    "vehicles_per_kitchen": "Högsta antal fordon per kök",
    "service_min_per_stop": "Tid hos varje mottagare",
    "max_shift_min": "Längsta arbetspass för förare",
    "max_hot_holding_min": "Längsta tid maten får hållas varm",
    "shelf_life_days": "Hållbarhet för kylda matlådor",
}

#: Unit strings of the tables -> Swedish.
UNITS: Final[dict[str, str]] = {
    "min/visit": "minuter/besök",
    "min/route": "minuter/tur",
    "min/route-day": "minuter/tur och dag",
    "kg": "kg",
    "km": "km",
    "meals/week": "måltider/vecka",
    "SEK": "kr",
    "SEK/km": "kr/km",
    "SEK/h": "kr/timme",
    "SEK/meal": "kr/måltid",
    "SEK/day": "kr/dag",
    "SEK/week": "kr/vecka",
    "SEK/vehicle-day": "kr/fordon och dag",
    "SEK/vehicle/day": "kr/fordon och dag",
    "SEK/vehicle/week": "kr/fordon och vecka",
    "kg CO2/km": "kg koldioxid/km",
    "share": "andel",
    "share (0-1)": "andel (0–1)",
    "min/meal": "minuter/måltid",
    "min": "minuter",
    "km/h": "km/timme",
    "days": "dagar",
    "meals/day": "måltider/dag",
    "meals": "måltider",
    "vehicles": "fordon",
    "recipients": "mottagare",
    "factor": "faktor",
    "h": "timmar",
}


ASSUMPTION_SOURCE: Final = "Antagande i maltid (storleksordning); ersätt med kommunens egen siffra."

#: Reason code of ``unserved.csv`` -> plain reason; the same words as
#: ``maltid.faces.tables.REASON_TEXT`` (tested), which should read them from here.
REASONS: Final[dict[str, str]] = {
    "unreachable": "ingen väg når adressen",
    "capacity": "får inte plats i någon bil",
    "window": "kan inte nås inom leveransfönstret",
    "hot_holding": "för långt bort för att maten ska hållas varm",
    "shift": "ryms inte i förarens arbetspass",
    "no_vehicles": "inga bilar vid köket",
    "dropped": (
        "fick inte plats i dagens turer (för få bilar, för liten lastförmåga "
        "eller för korta arbetspass)"
    ),
    "not_assigned": "inget kök kan leverera",
    "far_from_road": "adressen ligger långt från närmaste väg",
}
