"""The TopoJSON → GeoJSON converter (dashboards/geo.py) and the committed California counties."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from peerwh.dashboards.geo import (
    CALIFORNIA_GEOJSON,
    TopologyError,
    decode_arcs,
    load_california_counties,
    main,
    topology_to_geojson,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Two unit squares side by side sharing the arc x=1 (arc 1), quantized with a transform; a third
# geometry (another state) is a MultiPolygon of one triangle.
TOPOLOGY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [-120.0, 35.0]},
    "objects": {
        "counties": {
            "type": "GeometryCollection",
            "geometries": [
                # left square: bottom-left (0,0) → (2,0) → shared arc up to (2,4) → (0,4) → back
                {"type": "Polygon", "id": "06001", "properties": {"name": "Left"},
                 "arcs": [[0, 1, 2]]},
                # right square walks the shared arc backwards (~1 = -2)
                {"type": "Polygon", "id": "06003", "properties": {"name": "Right"},
                 "arcs": [[3, ~1]]},
                {"type": "MultiPolygon", "id": "32001", "properties": {"name": "Elsewhere"},
                 "arcs": [[[4]]]},
            ],
        }
    },
    "arcs": [
        [[0, 0], [2, 0]],  # (0,0) → (2,0)
        [[2, 0], [0, 4]],  # (2,0) → (2,4): delta-encoded
        [[2, 4], [-2, 0], [0, -4]],  # (2,4) → (0,4) → (0,0)
        [[2, 0], [2, 0], [0, 4], [-2, 0]],  # (2,0) → (4,0) → (4,4) → (2,4)
        [[10, 10], [2, 0], [-2, 2], [0, -2]],  # triangle, closed
    ],
}  # fmt: skip


def test_decode_arcs_undoes_delta_encoding_and_applies_the_transform() -> None:
    arcs = decode_arcs(TOPOLOGY)

    assert arcs[1] == [[-119.0, 35.0], [-119.0, 36.0]]
    assert arcs[2] == [[-119.0, 36.0], [-120.0, 36.0], [-120.0, 35.0]]


def test_decode_arcs_without_transform_keeps_coordinates() -> None:
    topology = {"type": "Topology", "arcs": [[[1.5, 2.5], [3.0, 4.0]]], "objects": {}}

    assert decode_arcs(topology) == [[[1.5, 2.5], [3.0, 4.0]]]


def test_rings_are_stitched_from_arcs_and_a_negative_index_reads_backwards() -> None:
    collection = topology_to_geojson(TOPOLOGY, "counties", "06")

    left, right = collection["features"]
    assert left["geometry"] == {
        "type": "Polygon",
        "coordinates": [
            [[-120.0, 35.0], [-119.0, 35.0], [-119.0, 36.0], [-120.0, 36.0], [-120.0, 35.0]]
        ],
    }
    assert right["geometry"]["coordinates"] == [
        [[-119.0, 35.0], [-118.0, 35.0], [-118.0, 36.0], [-119.0, 36.0], [-119.0, 35.0]]
    ]
    for feature in (left, right):
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]


def test_only_geometries_with_the_prefix_are_kept_with_fips_and_name() -> None:
    collection = topology_to_geojson(TOPOLOGY, "counties", "06")

    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == ["06001", "06003"]
    assert [f["properties"] for f in collection["features"]] == [
        {"fips": "06001", "name": "Left"},
        {"fips": "06003", "name": "Right"},
    ]


def test_multipolygons_are_converted() -> None:
    (feature,) = topology_to_geojson(TOPOLOGY, "counties", "32")["features"]

    assert feature["geometry"] == {
        "type": "MultiPolygon",
        "coordinates": [
            [[[-115.0, 37.5], [-114.0, 37.5], [-115.0, 38.0], [-115.0, 37.5]]],
        ],
    }


@pytest.mark.parametrize(
    ("topology", "message"),
    [
        ({"type": "FeatureCollection", "features": []}, "not a TopoJSON Topology"),
        ({"type": "Topology", "arcs": [], "objects": {}}, "no object 'counties'"),
    ],
)
def test_other_input_is_refused(topology: dict[str, Any], message: str) -> None:
    with pytest.raises(TopologyError, match=message):
        topology_to_geojson(topology)


def test_command_line_writes_the_geojson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "counties-10m.json"
    source.write_text(json.dumps(TOPOLOGY))
    output = tmp_path / "out" / "ca.geojson"

    assert main([str(source), str(output)]) == 0

    assert [f["id"] for f in json.loads(output.read_text())["features"]] == ["06001", "06003"]
    assert "wrote 2 counties" in capsys.readouterr().out


def test_committed_geojson_has_every_california_county_of_the_seed() -> None:
    with (PROJECT_ROOT / "dbt_project" / "seeds" / "counties.csv").open() as seed:
        names = {row["county_fips"]: row["county_name"] for row in csv.DictReader(seed)}

    collection = load_california_counties()

    assert CALIFORNIA_GEOJSON.name == "california_counties.geojson"
    features = {f["properties"]["fips"]: f for f in collection["features"]}
    assert set(features) == set(names)
    assert {fips: f["properties"]["name"] for fips, f in features.items()} == names
    for feature in collection["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        # California lies within these longitudes and latitudes.
        rings = (
            [feature["geometry"]["coordinates"]]
            if feature["geometry"]["type"] == "Polygon"
            else feature["geometry"]["coordinates"]
        )
        points = [p for polygon in rings for ring in polygon for p in ring]
        assert all(-124.5 <= x <= -114.1 and 32.5 <= y <= 42.1 for x, y in points)
