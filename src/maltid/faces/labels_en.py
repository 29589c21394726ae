"""English labels of the faces (``--lang en``); the same keys as :mod:`maltid.faces.labels_sv`."""

from __future__ import annotations

from typing import Final

__all__ = ["COLUMNS", "KINDS", "LABELS", "PARAMETERS", "REASONS", "UNITS"]

LABELS: Final[dict[str, str]] = {
    # -- map
    "legend_title": "Legend",
    "kpi_title": "Key figures",
    "kpi_toggle": "Show or hide the key figures",
    "model_choice": "Show model",
    "central_kitchen": "Central kitchen",
    "local_kitchen_open": "Local kitchen (used)",
    "local_kitchen_closed": "Local kitchen (not used)",
    "route": "Delivery route (colour per vehicle, arrow = direction)",
    "recipients_cells": "Recipients per square ({sizes})",
    "recipients_layer": "Recipients (count per square)",
    "recipients_exact": "Recipients (exact positions)",
    "recipients_hidden": "{n} recipients in sparse areas not shown (privacy)",
    "privacy_note": (
        "Recipients are personal data: the map shows counts per square only, never where "
        "anyone lives."
    ),
    "network_layer": "Road network (used for routing)",
    "base_layer": "Background from the OpenStreetMap file (places, water, built-up areas)",
    "tiles_layer": "OpenStreetMap tiles (need the internet)",
    "legend_water": "Water",
    "legend_builtup": "Built-up area",
    "places_layer": "Place names",
    "osm_attribution": "Map data © OpenStreetMap contributors, ODbL",
    "synthetic": "Synthetic data – no real municipality or person",
    "recipients_n": "{n} recipients",
    "meals_per_week": "meals per week",
    "route_popup_title": "Route",
    "model": "Model",
    "day": "Day",
    "days_per_week": "days per week",
    "vehicle": "Vehicle",
    "kitchen": "Kitchen",
    "stops": "Stops",
    "km": "km",
    "minutes": "minutes",
    "meals": "Meals",
    "role": "Role",
    "role_central": "central kitchen",
    "role_local": "local kitchen",
    "home_care_base": "home-care base",
    "status": "Status",
    "open": "used",
    "closed": "not used",
    "not_used": "not used in this model",
    "fresh_meals": "Fresh meals per week",
    "chilled_meals": "Chilled meals per week",
    "cost_per_meal": "Cost per meal",
    "delivery_mode": "Delivery mode",
    "recipients": "Recipients",
    "local_deliveries": "Deliveries without a car (foot, bicycle, on site)",
    "not_served_title": "Served another way or not reached",
    "not_served_fallback": "{n} get meals by fallback delivery: {reason}",
    "not_served_unserved": "{n} not reached: {reason}",
    "not_served_fallback_cell": "{n} recipients get meals by fallback delivery here",
    "not_served_unserved_cell": "{n} recipients are not reached here",
    "legend_not_served": "Fallback delivery or not reached (dashed square)",
    "kpi_cost_per_meal": "Cost per meal",
    "kpi_total": "Total per week",
    "kpi_km": "Distance driven per week",
    "kpi_co2": "CO₂ per week",
    "kpi_fresh": "Fresh meals per week",
    "kpi_k2p": "Kitchen to plate (mean)",
    "kpi_unserved": "Not reached",
    "kpi_fallback": "By fallback delivery",
    "mode_car": "car",
    "mode_foot": "on foot",
    "mode_bicycle": "bicycle",
    "mode_on_site": "eaten on site",
    "unit_sek": "SEK",
    "unit_sek_week": "SEK/week",
    "unit_km_week": "km/week",
    "unit_kg_week": "kg/week",
    "unit_min": "min",
    "unit_h_week": "h/week",
    "unit_meals_week": "meals/week",
    "hot_meal_words": "hot meal",
    "other_reason": "another reason",
    "baseline": "baseline",
    # -- report: frame
    "report_title": "Home-delivered meals: comparison of delivery models",
    "report_subtitle": "Decision memo",
    "toc": "Contents",
    "date": "Date",
    "scenario_label": "Scenario",
    "privacy_report": (
        "The report holds no names or addresses. Recipients are shown only as counts per area."
    ),
    "generated_by": "Made with maltid {version}",
    # -- report: sections
    "sec_conclusion": "Summary",
    "sec_proposal": "Proposed decision",
    "sec_background": "Background",
    "sec_economy": "Financial consequences",
    "sec_effects": "Consequences for recipients, the environment and the villages",
    "sec_robustness": "Uncertainty",
    "sec_procurement": "Procurement",
    "sec_basis": "Supporting material",
    "sec_table": "Comparison table",
    "sec_map": "Map",
    "sec_assumptions": "Assumptions and sources",
    "sec_not_served": "Recipients served another way or not reached",
    "sec_method": "Method",
    "sec_siting": "Optimised mix: which kitchens are used",
    "sec_breakdown": "The costs in detail",
    "sec_charts": "Charts",
    "sec_break_even": "What must be true for local kitchens to cost no more",
    "sec_sensitivity": "Sensitivity: which assumptions matter most",
    "sec_probabilities": "Probability that each model is the cheapest",
    # -- conclusion sentences
    "c_cheapest": (
        "The cheapest model that reaches all {n} recipients is {model}: {week} per week, "
        "{year} per year ({meal} per meal)."
    ),
    "c_no_cheapest": (
        "No model reaches all {n} recipients. Compare how many are reached before comparing costs."
    ),
    "c_local_dearer": "{model} costs {week} more per week ({year} per year) than {versus}.",
    "c_local_cheaper": "{model} costs {week} less per week ({year} per year) than {versus}.",
    "c_fresh_gain": (
        "In return recipients get {fresh} freshly cooked meals per week instead of "
        "{fresh_versus}: {per_meal} extra per fresh meal."
    ),
    "c_fresh_also": (
        "Recipients also get {fresh} freshly cooked meals per week instead of {fresh_versus}."
    ),
    "c_fresh_same": "Both give {fresh} freshly cooked meals per week.",
    "c_local_spend": (
        "{spend} per week stays in the villages as local food purchases ({per_krona} for "
        "every SEK of extra cost)."
    ),
    "c_break_even": "{model} costs no more than {versus} if {condition}.",
    "c_break_even_none": (
        "Within the ranges tried, no single assumption makes {model} as cheap as {versus}."
    ),
    "c_outcomes": "What differs for recipients ({model} against {versus}):",
    "c_item_fresh": "Freshly cooked meals: {a} against {b} per week",
    "c_item_k2p": "Kitchen to plate: {a} against {b} minutes on average",
    "c_item_k2p_days": "Kitchen to plate: {a} minutes against {b} days on average",
    "c_item_visits": "Home visits with meals: {a} against {b} per week",
    "c_item_co2": "CO₂: {a} against {b} kg per week",
    "c_item_spend": "Local food purchases: {a} against {b} per week",
    "c_same_result": "{model} gives the same cost and the same results as {other}.",
    "c_everyone": "All {n} recipients get meals in every model.",
    "c_not_everyone": (
        "{model}: {fallback} recipients get meals by fallback delivery and {unserved} are "
        "not reached."
    ),
    "be_local_cost_per_meal": "the cost per meal in {kitchen} is at most {value}",
    "be_local_cost_per_meal_up": "the cost per meal in {kitchen} is at least {value}",
    "be_village_recipients": "{kitchen} cooks for at least {value} recipients",
    "be_village_recipients_down": "{kitchen} cooks for at most {value} recipients",
    "be_village_distance": (
        "the distance from the central kitchen to the village is at least {value} times today's"
    ),
    "be_village_distance_down": (
        "the distance from the central kitchen to the village is at most {value} times today's"
    ),
    "be_fuel_cost": "vehicles cost at least {value} per km",
    "be_fuel_cost_down": "vehicles cost at most {value} per km",
    "be_generic": "{parameter} is {value}",
    "be_today": "today {value}",
    # -- proposal
    "p_shows": "The comparison shows that {model} is the cheapest way to reach every recipient.",
    "p_fresh": (
        "If the committee wants recipients to get freshly cooked meals every day, the "
        "comparison shows that {model} is the cheapest of those options, {week} more per "
        "week ({year} per year)."
    ),
    "p_fresh_cheapest": "That option also gives recipients freshly cooked meals every day.",
    "p_decide": (
        "The report does not choose a model: it shows what each choice costs and gives. "
        "The committee decides."
    ),
    # -- background
    "bg_intro": (
        "This report compares {n_models} ways of delivering meals to {n} recipients "
        "({meals} meals per week) in the scenario {scenario}. Every model uses the same "
        "road network, the same recipients and the same cost assumptions."
    ),
    "bg_kitchens": "The scenario has {n_central} central and {n_local} local kitchens.",
    "bg_network": (
        "Routes are planned on the OpenStreetMap road network with real distances and speed limits."
    ),
    "bg_models": "The models",
    # -- economy
    "eco_intro": (
        "Costs per week and per year (52 weeks). Differences are against {model}, the "
        "cheapest option that reaches the same recipients."
    ),
    "eco_intro_none": "Costs per week and per year (52 weeks).",
    "col_model": "Model",
    "col_models": "Models",
    "col_week": "SEK per week",
    "col_per_year": "SEK per year",
    "col_meal": "SEK per meal",
    "col_diff_week": "Difference per week",
    "col_diff_year": "Difference per year",
    "col_measure": "Measure",
    "diff_reference": "reference",
    "eco_fresh_meal": (
        "{model}: {per_meal} more per freshly cooked meal recipients get instead of a chilled one."
    ),
    "breakdown_intro": "What the weekly cost is made of (SEK per week).",
    # -- effects
    "eff_intro": "What recipients get, and what the models mean for the environment and villages.",
    "eff_holding": (
        "In the scenario, hot meals may take at most {limit} minutes from the kitchen to the "
        "recipient. The limit applies to recipients who get their meal hot. Times above it in "
        "the table belong to recipients who do not need the meal hot (a same-day meal not "
        "kept hot) or to chilled boxes, whose time counts the days until the meal is eaten."
    ),
    "eff_deliveries_raised": (
        "{model}: the scenario asked for {asked} deliveries a week; they were raised to "
        "{planned} so that no box is eaten later than its shelf life allows ({days} days)."
    ),
    "eff_chilled": "Chilled boxes are reheated at home; kitchen to plate is then several days.",
    "chart_alt": "Chart: {title}. The same figures are in the table above.",
    "chart_cost_per_meal": "Cost per meal (SEK)",
    "chart_total_week": "Cost per week (SEK)",
    "chart_km": "Distance driven per week (km)",
    "chart_co2": "CO₂ per week (kg)",
    # -- robustness
    "rob_probabilities": (
        "Share of {n} futures (all uncertain assumptions varied together) in which each "
        "model is the cheapest that reaches everyone."
    ),
    "rob_col_probability": "Share of futures in which it is cheapest",
    "rob_col_range": "Extra cost per week, 10–90 %",
    "rob_col_total": "Cost per week, 10–90 %",
    "rob_col_no_dearer": "Share of futures in which it is no dearer",
    "rob_against": "against {model}",
    "c_robust": (
        "{model} is no dearer than {versus} in {k} of 10 futures "
        "({pct}) when every uncertain assumption varies together."
    ),
    "rob_none": (
        "Probabilities were not computed for this scenario. Below: how much each "
        "assumption alone changes the result."
    ),
    "rob_sensitivity_intro": (
        "Each assumption is changed one at a time by ±{pct} %. The columns show {what} at "
        "the low and the high value. Assumptions that do not change the result are left out."
    ),
    "rob_what_total": "the weekly cost",
    "rob_what_difference": "the weekly extra cost of {model} against {versus}",
    "rob_zero": "{n} assumptions do not change the result and are not shown.",
    "rob_be_intro": (
        "The value at which the local model costs as much as the model it is compared with "
        "(column Models). Where no value lies in the range tried, it says “not in the range”."
    ),
    "col_assumption": "Assumption",
    "col_today": "Value today",
    "col_low": "Low value",
    "col_high": "High value",
    "col_at_low": "Result at low value",
    "col_at_high": "Result at high value",
    "col_swing": "Difference low to high",
    "col_break_even": "Break-even",
    "col_interval": "Range tried",
    "col_kitchen": "Kitchen",
    "not_in_range": "not in the range",
    "how_repriced": "same plan, new prices",
    "how_resolved": "plan re-optimised",
    # -- basis
    "table_intro": "Every measure per model. Per week unless stated otherwise.",
    "map_note": (
        "The map works offline. The background (places, water, built-up areas) comes from "
        "the same OpenStreetMap file as the roads. Recipients are shown as counts per square."
    ),
    "map_link": "Open the map",
    "map_title": "Map of delivery routes and kitchens",
    "assumptions_intro": (
        "Every assumption behind the figures. “Scenario value” means the municipality set "
        "its own value instead of the default; the source then describes the default."
    ),
    "col_parameter": "Assumption",
    "col_value": "Value",
    "col_unit": "Unit",
    "col_source": "Source",
    "col_year": "Year",
    "scenario_value": "Scenario value",
    "scenario_value_default": "Scenario value (the default {default} has the source: {source})",
    "scenario_file": "The scenario file",
    "not_served_intro": (
        "Recipients that a model's own delivery mode cannot reach get meals by fallback "
        "delivery (chilled boxes from the central kitchen) or are not reached at all. Counts "
        "per reason; no names."
    ),
    "not_served_none": "Every recipient is served by the model's own delivery mode in every model.",
    "col_reason": "Reason",
    "col_count": "Recipients",
    "col_outcome": "Outcome",
    "outcome_fallback": "fallback delivery",
    "outcome_unserved": "not reached",
    "method_text": (
        "Each model is planned as a real week of driving: the vehicles' routes are optimised "
        "on the road network (OR-Tools) with vehicle capacity, shift length and how long food "
        "may be kept hot. The cost is the sum of meals, packaging, kitchens, distance, driver "
        "time and vehicles. Break-even values are found by re-planning both models with new "
        "values until their costs meet. Sensitivity changes one assumption at a time."
    ),
    "siting_intro": (
        "The local kitchens that could be used and the decision for each. Every alternative "
        "is planned with real routes. The column shows how the weekly cost changes if the "
        "decision for that kitchen alone is reversed."
    ),
    "siting_open": "used",
    "siting_closed": "not used",
    "siting_why": "{how}. {n} alternatives were planned and compared.",
    "siting_why_cheapest": (
        "The plan was chosen because it is the cheapest of the planned alternatives that "
        "reach as many recipients."
    ),
    "siting_flip_dearer": "{kitchen}: reversing the decision costs {delta} more per week.",
    "siting_flip_cheaper": (
        "{kitchen}: reversing the decision would save {delta} per week, but {reason}."
    ),
    "siting_flip_reason": "that plan reaches fewer recipients or breaks a limit",
    "col_decision": "Decision",
    "col_flip": "Change per week if reversed",
    "chosen_by_mip": "The optimisation model's proposal",
    "chosen_by_village_first": "Each kitchen cooks for its own village (Frame Lake model)",
    "chosen_by_central_only": "The central kitchen only",
    "chosen_by_flip": "Local search (one kitchen used or not at a time)",
    "notes_title": "Please note",
    "not_computed": "Not computed for this scenario.",
    "more_rows": "… and {n} more rows",
    "yes": "yes",
    "no": "no",
    "per_week": "per week",
    "per_year": "per year",
    "weeks_per_year_note": "A year is counted as 52 weeks.",
}

KINDS: Final[dict[str, tuple[str, str]]] = {
    "central_daily_hot": (
        "Central kitchen, hot meals daily",
        "The central kitchen cooks and delivers the meals hot every day.",
    ),
    "central_chilled": (
        "Central kitchen, chilled boxes",
        "The central kitchen delivers chilled boxes a few times a week; recipients reheat "
        "them, alone or with home care.",
    ),
    "local_kitchens": (
        "Local kitchens (Frame Lake model)",
        "Village kitchens cook and deliver close to the recipients; the others are served "
        "by the central kitchen.",
    ),
    "optimised_mix": (
        "Optimised mix",
        "The local kitchens that pay off are used; the others are served by the central kitchen.",
    ),
    "home_care_cooking": (
        "Cooked at home by home care",
        "Home-care staff cook the meal in the recipient's home.",
    ),
}

COLUMNS: Final[dict[str, tuple[str, str, int]]] = {
    "model": ("Model", "", 0),
    "total_cost_sek_per_week": ("Cost per week", "SEK", 0),
    "cost_per_meal_sek": ("Cost per meal", "SEK", 0),
    "delta_total_cost_sek_per_week": ("Difference from baseline", "SEK per week", 0),
    "delta_total_cost_pct": ("Difference from baseline", "%", 0),
    "production_cost_sek_per_week": ("Meals (cooking)", "SEK per week", 0),
    "packaging_cost_sek_per_week": ("Packaging", "SEK per week", 0),
    "fixed_kitchen_cost_sek_per_week": ("Fixed kitchen costs", "SEK per week", 0),
    "vehicle_km_cost_sek_per_week": ("Distance driven", "SEK per week", 0),
    "driver_cost_sek_per_week": ("Driver time", "SEK per week", 0),
    "vehicle_fixed_cost_sek_per_week": ("Vehicles", "SEK per week", 0),
    "local_delivery_cost_sek_per_week": ("Delivery on foot, bicycle, on site", "SEK per week", 0),
    "fallback_cost_sek_per_week": (
        "Of which fallback deliveries (included above)",
        "SEK per week",
        0,
    ),
    "home_care_cost_sek_per_week": ("Home-care staff time", "SEK per week", 0),
    "home_care_hours_per_week": ("Home-care hours", "hours per week", 1),
    "reheating_cost_sek_per_week": ("Help reheating meals", "SEK per week", 0),
    "meals_per_week": ("Meals", "per week", 0),
    "vehicle_km_per_week": ("Distance driven", "km per week", 0),
    "driver_hours_per_week": ("Driver hours", "hours per week", 0),
    "co2_kg_per_week": ("CO₂", "kg per week", 0),
    "fresh_meals_per_week": ("Freshly cooked meals", "per week", 0),
    "reheated_meals_per_week": ("Reheated meals", "per week", 0),
    "mean_kitchen_to_plate_min": ("Kitchen to plate, mean", "minutes", 0),
    "max_kitchen_to_plate_min": ("Kitchen to plate, longest", "minutes", 0),
    "local_spend_sek_per_week": ("Local food purchases", "SEK per week", 0),
    "local_working_hours_per_week": ("Working hours in the villages", "hours per week", 0),
    "recipient_visits_per_week": ("Home visits with meals", "per week", 0),
    "recipients_served": ("Recipients served", "count", 0),
    "recipients_fallback": ("Recipients by fallback", "count", 0),
    "recipients_unserved": ("Recipients not reached", "count", 0),
    "vehicles_used_per_day_max": ("Vehicles needed on a day", "count", 0),
    "vehicles_needed": ("Vehicles needed", "count", 0),
}

PARAMETERS: Final[dict[str, str]] = {
    "cost_per_km_sek": "Vehicle cost per km",
    "driver_cost_per_hour_sek": "Driver cost per hour",
    "co2_kg_per_km": "CO₂ per km",
    "fixed_cost_sek_per_vehicle_day": "Fixed cost per vehicle and day",
    "fixed_cost_sek_per_vehicle_week": "Fixed cost per vehicle and week",
    "food_cost_share_of_meal": "Food share of a meal's cost",
    "chilled_packaging_sek_per_meal": "Packaging per chilled meal",
    "local_staff_minutes_per_meal": "Staff minutes per meal in local kitchens",
    "walking_speed_kph": "Walking speed",
    "cycling_speed_kph": "Cycling speed",
    "local_delivery_staff_cost_per_hour_sek": "Staff cost per hour, delivery without a car",
    "chilled_days_cooked_before_delivery": "Days from cooking to delivery, chilled meals",
    "central_cost_per_meal_sek": "Central kitchen's cost per meal",
    "local_cost_per_meal_sek": "Local kitchens' cost per meal",
    "local_fixed_cost_sek_per_day": "Local kitchens' fixed cost per day",
    "local_cost_per_meal": "The local kitchen's cost per meal",
    "village_recipients": "Recipients in the village",
    "village_distance": "Distance from the central kitchen to the village (factor)",
    "fuel_cost": "Vehicle cost per km",
    "home_care_cost_per_hour_sek": "Home-care cost per hour",
    "driver_loading_min_per_route": "Loading at the kitchen per route",
    "driver_min_paid_min_per_route_day": "Shortest paid driver time per route and day",
    "central_fixed_share_of_meal_cost": "Fixed share of the central kitchen's cost per meal",
    "reheating_minutes_per_meal": "Minutes to reheat a chilled meal",
    "reheating_help_share_hot_meal": "Share needing help to reheat (hot-meal decision)",
    "reheating_help_share_other": "Share needing help to reheat (others)",
    "fixed_cost_basis": "Basis of the vehicles' fixed cost",
    "chilled_vehicle_capacity_meals": "Vehicle capacity, chilled meals",
    "home_care_visit_min": "Home-care visit time for the meal",
    "home_care_cooking_min_per_meal": "Home-care minutes to cook a meal",
    "home_care_groceries_sek_per_meal": "Groceries per meal cooked by home care",
    "home_care_local_food_share": "Share of home-care groceries bought locally",
    "cost_per_meal_sek": "Cost per meal",
    "fixed_cost_sek_per_day": "Fixed cost per day",
    "capacity_meals_per_day": "Capacity, meals per day",
    "local_food_share": "Share of locally produced food",
    "vehicle_capacity_meals": "Vehicle capacity, meals",
    "vehicle_capacity_chilled_meals": "Vehicle capacity, chilled meals",
    "vehicles_per_kitchen": "Most vehicles per kitchen",
    "service_min_per_stop": "Time at each recipient",
    "max_shift_min": "Longest driver shift",
    "max_hot_holding_min": "Longest time food may be kept hot",
    "shelf_life_days": "Shelf life of chilled boxes",
}

UNITS: Final[dict[str, str]] = {
    "min/visit": "minutes/visit",
    "min/route": "minutes/route",
    "min/route-day": "minutes/route and day",
    "SEK/vehicle-day": "SEK/vehicle and day",
    "SEK/vehicle/day": "SEK/vehicle and day",
    "SEK/vehicle/week": "SEK/vehicle and week",
    "share (0-1)": "share (0–1)",
    "min": "minutes",
    "h": "hours",
}


ASSUMPTION_SOURCE: Final = (
    "maltid assumption (order of magnitude); replace with the municipality's own figure."
)

#: Reason code of ``unserved.csv`` -> plain reason; the same words as
#: ``maltid.faces.tables.REASON_TEXT`` (tested), which should read them from here.
REASONS: Final[dict[str, str]] = {
    "unreachable": "no road reaches the address",
    "capacity": "does not fit in any vehicle",
    "window": "cannot be reached within the delivery window",
    "hot_holding": "too far away for the meal to stay hot",
    "shift": "does not fit in the driver's shift",
    "no_vehicles": "no vehicles at the kitchen",
    "dropped": (
        "did not fit in the day's rounds (too few vehicles, too little load or too short shifts)"
    ),
    "not_assigned": "no kitchen can deliver",
    "far_from_road": "the address is far from the nearest road",
}
