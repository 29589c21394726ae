"""What makes a folium map self-contained and reproducible: inlined Leaflet, no CDN, stable ids.

The HTML needs no network: Leaflet and the arrow plugin (leaflet-textpath) are inlined from
``maltid/assets`` (versions in ``assets/README.md``), folium's CDN links to jQuery,
Bootstrap and awesome-markers are dropped. Folium's random element ids are replaced by
sequence numbers, so the same comparison gives the same file.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "MAP_CSS",
    "accessible",
    "deterministic_names",
    "inline_assets",
    "js",
    "strip_remote_tags",
    "walk",
]

logger = logging.getLogger("maltid")

_ASSET_IMAGES = {
    "images/layers.png": "leaflet-layers.png",
    "images/layers-2x.png": "leaflet-layers-2x.png",
    "images/marker-icon.png": "leaflet-marker-icon.png",
}

#: Map panels: small, readable, WCAG AA contrast; the key figures fold away.
MAP_CSS = """
.maltid-panel{background:rgba(255,255,255,.96);padding:6px 10px;border-radius:6px;
 box-shadow:0 1px 5px rgba(0,0,0,.35);font:12px/1.35 system-ui,-apple-system,"Segoe UI",
 Roboto,sans-serif;color:#1a1a1a;max-width:300px;max-height:45vh;overflow:auto}
.maltid-panel h2,.maltid-panel summary{margin:0 0 4px;font-size:13px;font-weight:600}
.maltid-panel h3{margin:6px 0 2px;font-size:12px}
.maltid-panel summary{cursor:pointer}
.maltid-panel table{border-collapse:collapse;width:100%}
.maltid-panel td{padding:1px 4px;vertical-align:top}
.maltid-panel td.num{text-align:right;white-space:nowrap}
.maltid-kpi[hidden]{display:none}
.maltid-swatch{display:inline-block;width:12px;height:12px;border-radius:50%;
 margin-right:6px;vertical-align:middle;border:1px solid #333}
.maltid-line{display:inline-block;width:18px;height:3px;margin-right:6px;
 vertical-align:middle;background:#0072b2}
.maltid-square{display:inline-block;width:12px;height:12px;margin-right:6px;
 vertical-align:middle;background:rgba(94,60,153,.35);border:1px solid #5e3c99}
.maltid-square.coarse{width:16px;height:16px}
.maltid-water{display:inline-block;width:14px;height:10px;margin-right:6px;
 vertical-align:middle;background:#a6cee3;border:1px solid #4a90b8}
.maltid-builtup{display:inline-block;width:14px;height:10px;margin-right:6px;
 vertical-align:middle;background:#e3ddd3;border:1px solid #b3a999}
.maltid-note{margin-top:4px;color:#444;font-size:11px}
.maltid-synthetic{margin-top:4px;color:#8a1c1c;font-weight:600}
.maltid-popup table td{padding:0 6px 0 0}
.maltid-place{font:600 12px system-ui,sans-serif;color:#1a1a1a;white-space:nowrap;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff}
.maltid-place.small{font-weight:400;font-size:11px}
.maltid-zoomed-out .maltid-place.small{display:none}
.leaflet-container{background:#f4f2ee}
.leaflet-control-layers{font:12px/1.3 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.leaflet-control-layers-expanded{padding:4px 8px}
"""


def js(value: object) -> str:
    """Return a JavaScript literal for ``value`` that is safe inside a ``<script>`` block."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _asset_text(name: str) -> str:
    return resources.files("maltid").joinpath("assets", name).read_text(encoding="utf-8")


def _asset_bytes(name: str) -> bytes:
    return resources.files("maltid").joinpath("assets", name).read_bytes()


@cache
def inline_assets() -> str:
    """Return ``<style>``/``<script>`` blocks with Leaflet, its images and the arrow plugin."""
    css = _asset_text("leaflet.css")
    for ref, name in _ASSET_IMAGES.items():
        data = base64.b64encode(_asset_bytes(name)).decode("ascii")
        css = css.replace(f"url({ref})", f"url(data:image/png;base64,{data})")
    parts = [
        f"<style>{css}</style>",
        f"<script>{_asset_text('leaflet.js')}</script>",
        f"<script>{_asset_text('leaflet.textpath.js')}</script>",
        f"<style>{MAP_CSS}</style>",
    ]
    for part in parts:
        if "</script" in part[8:-9].lower():
            raise RuntimeError("a vendored asset contains '</script': cannot inline it")
    return "\n".join(parts)


_REMOTE_TAG = re.compile(
    r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>"
    r"|<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>",
    re.IGNORECASE,
)


def strip_remote_tags(page: str) -> str:
    """Remove any remaining CDN ``<script src>``/``<link href>`` (logged: a folium change)."""

    def drop(match: re.Match[str]) -> str:
        logger.warning("maps: dropped a CDN reference folium added: %s", match.group(0)[:120])
        return ""

    return _REMOTE_TAG.sub(drop, page)


_UUID_NAME = re.compile(r"_([0-9a-f]{32})(?![0-9a-f])")


def deterministic_names(page: str) -> str:
    """Replace folium's random element ids by sequence numbers: same input, same HTML."""
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in numbers:
            numbers[key] = f"{len(numbers) + 1:05d}"
        return "_" + numbers[key]

    return _UUID_NAME.sub(number, page)


_VIEWPORT = re.compile(r'<meta name="viewport" content="[^"]*"\s*/?>')


def accessible(page: str, lang: str) -> str:
    """WCAG fixes folium's page template lacks: the page language, zoom not disabled."""
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    return _VIEWPORT.sub(
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">', page, count=1
    )


def walk(element: Any) -> Iterable[Any]:
    """Every element of a folium/branca tree, depth first."""
    yield element
    for child in list(getattr(element, "_children", {}).values()):
        yield from walk(child)


def control_js(map_name: str, elem_id: str, css: str, position: str, inner_html: str) -> str:
    """JavaScript adding a Leaflet control whose content is ``inner_html`` (already escaped)."""
    return (
        "(function(){var c=L.control({position:" + js(position) + "});"
        "c.onAdd=function(){var d=L.DomUtil.create('div','maltid-panel " + css + "');"
        "d.id=" + js(elem_id) + ";d.innerHTML=" + js(inner_html) + ";"
        "L.DomEvent.disableClickPropagation(d);L.DomEvent.disableScrollPropagation(d);"
        "return d;};c.addTo(" + map_name + ");})();"
    )
