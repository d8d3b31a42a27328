"""County shapes for the workforce map: TopoJSON (us-atlas) → a California GeoJSON kept as data.

The dashboard has no internet at run time, so the map reads `data/california_counties.geojson`,
committed to the repository. It was made from the `us-atlas` npm package (Census Bureau
cartographic boundary files, 2017) with this module; to regenerate it:

    cd /tmp && npm pack us-atlas@3 && tar xzf us-atlas-3.*.tgz
    .venv/bin/python -m dashboards.geo /tmp/package/counties-10m.json \
        dashboards/data/california_counties.geojson

`topology_to_geojson` implements the TopoJSON specification's decoding (quantized,
delta-encoded arcs; negative arc indexes read backwards; rings stitched from arcs). Ring
winding is kept as in the source: us-atlas is made for d3-geo, which Plotly's `geo` uses.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CALIFORNIA_GEOJSON = DATA_DIR / "california_counties.geojson"
CALIFORNIA_STATE_FIPS = "06"
FEATURE_ID_KEY = "properties.fips"
COORDINATE_DIGITS = 4

# plotly.js fetches the base map of every geo plot (even one drawn with `visible=False`) from its
# CDN; with no internet at run time it is served from dashboards/static/ (Streamlit static
# serving, `app/static/`, enabled by every launch of the app). Every map's `st.plotly_chart`
# passes it as `config`.
OFFLINE_GEO_CONFIG: dict[str, object] = {"topojsonURL": "app/static/"}

Point = list[float]
Ring = list[Point]


class TopologyError(ValueError):
    """The input is not a TopoJSON topology this converter can read."""


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc as absolute coordinates (quantized arcs are delta-encoded, then transformed)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([[float(p[0]), float(p[1])] for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: list[Point] = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append([x * sx + tx, y * sy + ty])
        arcs.append(points)
    return arcs


def _ring(arc_indexes: Sequence[int], arcs: list[list[Point]]) -> Ring:
    """A closed ring: arcs joined end to start (each arc after the first drops its first point)."""
    ring: Ring = []
    for index in arc_indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return [[round(c, COORDINATE_DIGITS) for c in point] for point in ring]


def _geometry(geometry: dict[str, Any], arcs: list[list[Point]]) -> dict[str, Any]:
    kind = geometry["type"]
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_ring(r, arcs) for r in geometry["arcs"]]}
    if kind == "MultiPolygon":
        return {
            "type": kind,
            "coordinates": [[_ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]],
        }
    raise TopologyError(f"unsupported geometry type for county shapes: {kind!r}")


def topology_to_geojson(
    topology: dict[str, Any], object_name: str = "counties", id_prefix: str = ""
) -> dict[str, Any]:
    """The geometries of `topology.objects[object_name]` whose id starts with `id_prefix`.

    Returns a GeoJSON FeatureCollection; each feature has `id` and `properties.fips` (the
    geometry's id) and `properties.name`, sorted by id.
    """
    if topology.get("type") != "Topology" or "arcs" not in topology:
        raise TopologyError("not a TopoJSON Topology (needs type 'Topology' and 'arcs')")
    try:
        collection = topology["objects"][object_name]
    except KeyError as exc:
        raise TopologyError(f"the topology has no object {object_name!r}") from exc
    arcs = decode_arcs(topology)
    features = [
        {
            "type": "Feature",
            "id": str(geometry["id"]),
            "properties": {
                "fips": str(geometry["id"]),
                "name": str(geometry.get("properties", {}).get("name", "")),
            },
            "geometry": _geometry(geometry, arcs),
        }
        for geometry in collection["geometries"]
        if str(geometry.get("id", "")).startswith(id_prefix) and geometry.get("type")
    ]
    features.sort(key=lambda feature: str(feature["id"]))
    return {"type": "FeatureCollection", "features": features}


def load_california_counties(path: Path = CALIFORNIA_GEOJSON) -> dict[str, Any]:
    """The committed California county GeoJSON (58 features keyed by `properties.fips`)."""
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("topojson", type=Path, help="us-atlas counties-10m.json")
    parser.add_argument("output", type=Path, help="GeoJSON file to write")
    parser.add_argument("--state-fips", default=CALIFORNIA_STATE_FIPS)
    args = parser.parse_args(argv)
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    collection = topology_to_geojson(topology, "counties", args.state_fips)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {len(collection['features'])} counties to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
