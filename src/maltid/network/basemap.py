"""An offline base layer for maps from the scenario's OSM extract (lon/lat degrees, m).

:func:`base_layer` reads, from the same OpenStreetMap extract as the road network,

* **places**: nodes tagged ``place`` = city, town, village, hamlet or isolated_dwelling
  that have a ``name`` (so a map names the villages without any tile server);
* **water**: areas tagged ``natural=water`` or ``waterway=riverbank`` and river lines
  (``waterway=river``);
* **built-up areas**: ``landuse`` = residential, commercial, industrial or retail.

Areas smaller than ``min_area_m2`` are dropped and every geometry is simplified in the
local UTM zone (pyproj, via geopandas) with ``tolerance_m`` and rounded to 1e-5 degrees
(about a metre); while the layer's GeoJSON is larger than ``max_bytes`` the tolerance
and the minimum area are doubled, so a map stays a few MB. The result is plain data
(GeoJSON-like dicts, no folium) and is cached as JSON next to the network cache.

PBF files are read with pyrosm, OSM XML (``.osm``, ``.osm.gz``, ``.osm.bz2``) with
osmnx, as for the road network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_text
from maltid.errors import NetworkError
from maltid.network.cache import default_cache_dir, file_sha256
from maltid.network.readers import NOT_OSM_FIX, check_file, open_osm_xml, osm_kind

if TYPE_CHECKING:
    import geopandas as gpd

    from maltid.scenario import NetworkSpec

__all__ = [
    "BUILT_UP_LANDUSE",
    "PLACE_KINDS",
    "BaseLayer",
    "Place",
    "base_layer",
]

logger = logging.getLogger("maltid")

#: ``place`` values kept, from the largest to the smallest.
PLACE_KINDS: tuple[str, ...] = ("city", "town", "village", "hamlet", "isolated_dwelling")
#: ``landuse`` values drawn as built-up areas.
BUILT_UP_LANDUSE: tuple[str, ...] = ("residential", "commercial", "industrial", "retail")
#: ``natural`` and ``waterway`` values drawn as water.
_WATER_NATURAL: tuple[str, ...] = ("water",)
_WATER_WATERWAY: tuple[str, ...] = ("riverbank", "river")
#: Bumped whenever the layer's content or the cache layout changes; part of the key.
BASEMAP_CACHE_VERSION = 1
#: Decimal places of the stored degrees (1e-5 degree is about a metre).
_DECIMALS = 5
#: Rounds of doubling tolerance and minimum area before giving up on ``max_bytes``.
_MAX_ROUNDS = 8

GeoJSON = dict[str, Any]


@dataclass(frozen=True)
class Place:
    """A named settlement from an OSM ``place`` node (degrees).

    Parameters
    ----------
    name : str
        The ``name`` tag.
    kind : str
        The ``place`` tag: one of :data:`PLACE_KINDS`.
    lat, lon : float
        Position in degrees (EPSG:4326).
    """

    name: str
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True)
class BaseLayer:
    """Places, water and built-up areas of an OSM extract, as plain data (degrees).

    Parameters
    ----------
    source : str
        The extract's file name ("" when the scenario has no OSM extract).
    places : tuple of Place
        Named places, the largest kinds first, then by name.
    water : dict
        GeoJSON FeatureCollection (lon/lat): Polygon/MultiPolygon areas and LineString /
        MultiLineString rivers; each feature's ``properties`` has ``kind`` ("water",
        "riverbank" or "river") and ``name`` (or None).
    built_up : dict
        GeoJSON FeatureCollection of Polygon/MultiPolygon areas; ``properties`` has
        ``kind`` (the ``landuse`` value) and ``name`` (or None).
    bbox : tuple of 4 float or None
        The (west, south, east, north) the layer was clipped to, if any.
    tolerance_m : float
        The simplification tolerance (m) finally used.
    """

    source: str
    places: tuple[Place, ...]
    water: GeoJSON = field(repr=False)
    built_up: GeoJSON = field(repr=False)
    bbox: tuple[float, float, float, float] | None = None
    tolerance_m: float = 0.0

    def places_geojson(self) -> GeoJSON:
        """The places as a GeoJSON FeatureCollection of Points (``name``, ``kind``)."""
        return _collection(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {"name": p.name, "kind": p.kind},
            }
            for p in self.places
        )

    def size_bytes(self) -> int:
        """Size (bytes) of the layer as compact JSON, about what a map embeds."""
        return len(_dumps(self._to_dict()))

    def _to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "places": [[p.name, p.kind, p.lat, p.lon] for p in self.places],
            "water": self.water,
            "built_up": self.built_up,
            "bbox": list(self.bbox) if self.bbox is not None else None,
            "tolerance_m": self.tolerance_m,
        }

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> BaseLayer:
        bbox = data["bbox"]
        for name in ("water", "built_up"):
            if data[name].get("type") != "FeatureCollection":
                raise ValueError(f"{name} is not a FeatureCollection")
        return cls(
            source=str(data["source"]),
            places=tuple(
                Place(str(n), str(k), float(la), float(lo)) for n, k, la, lo in data["places"]
            ),
            water=data["water"],
            built_up=data["built_up"],
            bbox=(float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
            if bbox is not None
            else None,
            tolerance_m=float(data["tolerance_m"]),
        )


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _collection(features: Any) -> GeoJSON:
    return {"type": "FeatureCollection", "features": list(features)}


def _empty(source: str, bbox: tuple[float, float, float, float] | None) -> BaseLayer:
    return BaseLayer(source, (), _collection([]), _collection([]), bbox, 0.0)


# --------------------------------------------------------------------------- reading


def _check_osm_root(path: Path) -> None:
    """Raise a NetworkError unless the XML file's root element is ``<osm>``."""
    with open_osm_xml(path) as fh:
        _, root = next(iter(ET.iterparse(fh, events=("start",))))
    if root.tag != "osm":
        raise NetworkError(
            f"{path}: root element is <{root.tag}>, not <osm>: this is not an OSM XML file "
            f"(fix: {NOT_OSM_FIX})"
        )


def _read_features(path: Path, kind: str) -> gpd.GeoDataFrame:
    """Every place node, water and built-up feature of the extract (EPSG:4326)."""
    import geopandas as gpd

    columns = ["name", "place", "natural", "waterway", "landuse"]
    try:
        if kind == "pbf":
            import pyrosm

            osm = pyrosm.OSM(str(path), keep_metadata=False, progress=False)
            criteria = {
                "place": list(PLACE_KINDS),
                "natural": list(_WATER_NATURAL),
                "waterway": list(_WATER_WATERWAY),
                "landuse": list(BUILT_UP_LANDUSE),
            }
            found = osm.get_data_by_custom_criteria(
                custom_filter=criteria,
                osm_keys_to_keep=list(criteria),
                filter_type="keep",
                tags_as_columns=columns,
            )
            if found is not None:
                found["element"] = found["osm_type"]
        else:
            import osmnx as ox

            _check_osm_root(path)
            tags: dict[str, bool | str | list[str]] = {
                "place": list(PLACE_KINDS),
                "natural": list(_WATER_NATURAL),
                "waterway": list(_WATER_WATERWAY),
                "landuse": list(BUILT_UP_LANDUSE),
            }
            try:
                found = ox.features_from_xml(path, tags=tags)
            except ox._errors.InsufficientResponseError:
                found = None
            if found is not None:
                found = found.reset_index()
    except NetworkError:
        raise
    except Exception as exc:
        raise NetworkError(
            f"{path}: cannot read places, water and built-up areas "
            f"({type(exc).__name__}: {exc}) (fix: {NOT_OSM_FIX}; check the file is complete)"
        ) from exc
    if found is None or len(found) == 0:
        return gpd.GeoDataFrame(
            {c: [] for c in [*columns, "element"]}, geometry=[], crs="EPSG:4326"
        )
    for column in columns:
        if column not in found.columns:
            found[column] = None
    out = found[[*columns, "element", "geometry"]]
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _places(frame: gpd.GeoDataFrame) -> tuple[Place, ...]:
    rank = {k: i for i, k in enumerate(PLACE_KINDS)}
    out: list[Place] = []
    for name, kind, element, geom in zip(
        frame["name"], frame["place"], frame["element"], frame.geometry, strict=True
    ):
        name_s, kind_s = _text(name), _text(kind)
        if name_s is None or kind_s not in rank or element != "node":
            continue
        if geom is None or geom.geom_type != "Point":
            continue
        lat = round(float(geom.y), _DECIMALS)
        lon = round(float(geom.x), _DECIMALS)
        out.append(Place(name_s, kind_s, lat, lon))
    out.sort(key=lambda p: (rank[p.kind], p.name, p.lat, p.lon))
    return tuple(dict.fromkeys(out))


def _lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    return value


def _drop_collection(geom: Any) -> Any:
    """A clipped GeometryCollection as its polygonal (else linear) parts; else as is."""
    if geom.geom_type != "GeometryCollection":
        return geom
    import shapely

    parts = list(shapely.get_parts(geom))
    polygons = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    lines = [p for p in parts if p.geom_type in ("LineString", "MultiLineString")]
    if polygons:
        return shapely.union_all(polygons)
    if lines:
        return shapely.union_all(lines)
    return shapely.Polygon()


def _features(frame: gpd.GeoDataFrame, kinds: Sequence[str | None]) -> GeoJSON:
    """GeoJSON features (degrees rounded to :data:`_DECIMALS`) with kind and name."""
    import shapely
    from shapely.geometry import mapping

    features = []
    for geom, kind, name in zip(frame.geometry, kinds, frame["name"], strict=True):
        if geom is None or geom.is_empty:
            continue
        rounded = _drop_collection(shapely.transform(geom, lambda xy: xy.round(_DECIMALS)))
        if rounded.is_empty:
            continue
        geometry = mapping(rounded)
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _lists(geometry["coordinates"]),
                },
                "properties": {"kind": kind, "name": _text(name)},
            }
        )
    return _collection(features)


def _layers(
    frame: gpd.GeoDataFrame, *, tolerance_m: float, min_area_m2: float
) -> tuple[GeoJSON, GeoJSON]:
    """Water and built-up FeatureCollections, simplified in the local UTM zone."""
    if len(frame) == 0:
        return _collection([]), _collection([])
    utm = frame.estimate_utm_crs()
    projected = frame.to_crs(utm)
    area = projected.geometry.area
    is_area = projected.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    is_line = projected.geometry.geom_type.isin(["LineString", "MultiLineString"])
    natural = frame["natural"].map(_text)
    waterway = frame["waterway"].map(_text)
    landuse = frame["landuse"].map(_text)
    water_area = is_area & (natural.isin(_WATER_NATURAL) | (waterway == "riverbank"))
    river = is_line & (waterway == "river")
    built = is_area & landuse.isin(BUILT_UP_LANDUSE) & ~water_area
    keep_area = area >= min_area_m2
    simplified = projected.geometry.simplify(tolerance_m, preserve_topology=True)
    back = simplified.to_crs("EPSG:4326")
    frame = frame.set_geometry(back)
    water_rows = (water_area & keep_area) | river
    water_kind = [
        "river" if r else ("riverbank" if w == "riverbank" else "water")
        for r, w in zip(river[water_rows], waterway[water_rows], strict=True)
    ]
    water = _features(frame[water_rows], water_kind)
    built_rows = built & keep_area
    built_up = _features(frame[built_rows], list(landuse[built_rows]))
    return water, built_up


def _clip(
    frame: gpd.GeoDataFrame, bbox: tuple[float, float, float, float] | None
) -> gpd.GeoDataFrame:
    if bbox is None or len(frame) == 0:
        return frame
    clipped = frame.clip(bbox)
    return clipped[~clipped.geometry.is_empty]


def _build(
    path: Path,
    kind: str,
    *,
    bbox: tuple[float, float, float, float] | None,
    tolerance_m: float,
    min_area_m2: float,
    max_bytes: int,
) -> BaseLayer:
    frame = _clip(_read_features(path, kind), bbox)
    places = _places(frame)
    tol, min_area = tolerance_m, min_area_m2
    for _ in range(_MAX_ROUNDS):
        water, built_up = _layers(frame, tolerance_m=tol, min_area_m2=min_area)
        layer = BaseLayer(path.name, places, water, built_up, bbox, tol)
        size = layer.size_bytes()
        if size <= max_bytes:
            return layer
        logger.info(
            "base layer of %s is %.1f MB at %.0f m tolerance; simplifying more",
            path.name,
            size / 1e6,
            tol,
        )
        tol, min_area = tol * 2.0, min_area * 2.0
    logger.warning(
        "base layer of %s is still %.1f MB (over %.1f MB) at %.0f m tolerance",
        path.name,
        size / 1e6,
        max_bytes / 1e6,
        layer.tolerance_m,
    )
    return layer


# --------------------------------------------------------------------------- cache


def _read_cache(path: Path, key: str) -> BaseLayer | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != BASEMAP_CACHE_VERSION or data.get("key") != key:
            raise ValueError("cache key or format version mismatch")
        return BaseLayer._from_dict(data["layer"])
    except Exception as exc:
        logger.warning(
            "base layer cache entry %s is unreadable (%s); deleting it and rebuilding", path, exc
        )
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def _write_cache(path: Path, key: str, layer: BaseLayer) -> None:
    entry = {"version": BASEMAP_CACHE_VERSION, "key": key, "layer": layer._to_dict()}
    try:
        atomic_write_text(path, _dumps(entry))
    except OSError as exc:
        logger.warning("could not write the base layer cache %s (%s); continuing", path, exc)


def _check_bbox(bbox: Sequence[float] | None) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    try:
        west, south, east, north = (float(b) for b in bbox)
    except (TypeError, ValueError) as exc:
        raise NetworkError(
            f"base_layer: bbox {bbox!r} is not 4 numbers (fix: give (west, south, east, north))"
        ) from exc
    if not (west < east and south < north):
        raise NetworkError(
            f"base_layer: bbox {bbox!r} is not (west, south, east, north) with west<east and "
            f"south<north (fix: give (west, south, east, north) in degrees)"
        )
    return (west, south, east, north)


def base_layer(
    source: NetworkSpec | str | os.PathLike[str],
    *,
    bbox: Sequence[float] | None = None,
    tolerance_m: float = 15.0,
    min_area_m2: float = 2_000.0,
    max_bytes: int = 2_000_000,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
) -> BaseLayer:
    """Places, water and built-up areas of an OSM extract for an offline map (degrees, m).

    Parameters
    ----------
    source : NetworkSpec or path
        The scenario's ``[network]`` section (its ``osm`` extract is read) or the path
        of an extract (``.osm``, ``.osm.gz``, ``.osm.bz2``, ``.osm.pbf``). A spec
        without an ``osm`` file (GraphML, place or bbox download) gives an empty layer.
    bbox : sequence of 4 float, optional, keyword-only
        (west, south, east, north) in degrees to clip to, e.g. the road network's
        ``bounds`` or the recipients' extent; default the whole extract.
    tolerance_m : float, keyword-only
        Simplification tolerance (m) in the local UTM zone.
    min_area_m2 : float, keyword-only
        Water and built-up areas smaller than this (m²) are left out.
    max_bytes : int, keyword-only
        Upper bound on the layer's compact JSON size; tolerance and minimum area are
        doubled (up to 8 times) until it fits.
    cache_dir : path, optional, keyword-only
        Cache directory; default :func:`maltid.network.default_cache_dir`.
    use_cache : bool, keyword-only
        Read and write the disk cache (``basemap-<key>.json``).

    Returns
    -------
    BaseLayer
        Plain data: ``places`` (name, kind, lat, lon), ``water`` and ``built_up`` as
        GeoJSON FeatureCollections in lon/lat.

    Raises
    ------
    NetworkError
        A missing file, an unknown extension, a file that is not OSM, or a bad bbox.
    """
    box = _check_bbox(bbox)
    if isinstance(source, str | os.PathLike):
        osm: Path | None = Path(source)
    else:
        osm = Path(source.osm) if source.osm is not None else None
    if osm is None:
        logger.info("base layer: the scenario has no OSM extract; the map has no base layer")
        return _empty("", box)
    kind = osm_kind(osm)
    check_file(osm, kind="OSM")
    key_parts = {
        "version": BASEMAP_CACHE_VERSION,
        "sha256": file_sha256(osm),
        "bbox": list(box) if box is not None else None,
        "tolerance_m": float(tolerance_m),
        "min_area_m2": float(min_area_m2),
        "max_bytes": int(max_bytes),
        "places": list(PLACE_KINDS),
        "built_up": list(BUILT_UP_LANDUSE),
        "water": [list(_WATER_NATURAL), list(_WATER_WATERWAY)],
    }
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()
    cache_file = Path(cache_dir or default_cache_dir()) / f"basemap-{key[:40]}.json"
    if use_cache:
        cached = _read_cache(cache_file, key)
        if cached is not None:
            logger.info("loaded base layer from cache %s", cache_file)
            return cached
    t0 = time.perf_counter()
    layer = _build(
        osm,
        kind,
        bbox=box,
        tolerance_m=float(tolerance_m),
        min_area_m2=float(min_area_m2),
        max_bytes=int(max_bytes),
    )
    logger.info(
        "built base layer of %s in %.1f s: %d places, %d water and %d built-up features, %.2f MB",
        osm.name,
        time.perf_counter() - t0,
        len(layer.places),
        len(layer.water["features"]),
        len(layer.built_up["features"]),
        layer.size_bytes() / 1e6,
    )
    if use_cache:
        _write_cache(cache_file, key, layer)
    return layer
