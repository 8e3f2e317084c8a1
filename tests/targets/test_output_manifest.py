"""The output manifest is a plain dataclass; what a file holds is checked where it is read."""

from __future__ import annotations

import json

import pytest
from flowc.targets.output import MANIFEST, Application, Manifest, _read_manifest


def test_a_manifest_round_trips_through_its_json():
    manifest = Manifest(Application(target="asl", sources=["../a.flow"]), {"A.asl.json": "ab12"})
    assert manifest.to_json() == {"application": {"target": "asl", "sources": ["../a.flow"]},
                                  "files": {"A.asl.json": "ab12"}}
    assert Manifest.from_json(json.loads(json.dumps(manifest.to_json()))) == manifest
    assert Manifest(files={"x": "1"}).to_json() == {"files": {"x": "1"}}  # no application: no key


@pytest.mark.parametrize("raw", [
    {"files": {"a": 1}},
    {"files": ["a"]},
    {"files": {}, "application": "asl"},
    {"files": {}, "application": {"target": "asl", "sources": "a.flow"}},
    {"files": {}, "application": {"target": 1, "sources": []}},
    {"files": {}, "application": {"sources": []}},
])
def test_a_manifest_of_the_wrong_shape_is_refused(raw):
    with pytest.raises(ValueError):
        Manifest.from_json(raw)


def test_an_unreadable_manifest_reads_as_empty_and_replaceable(tmp_path):
    path = tmp_path / MANIFEST
    path.write_text(json.dumps({"files": {"a": 1}}))
    assert _read_manifest(path) == (Manifest(), True)
    path.write_text(json.dumps({"files": {"a": "d"}, "application": {"target": "sqs", "sources": ["x"], "more": 1}}))
    assert _read_manifest(path) == (Manifest(Application(target="sqs", sources=["x"]), {"a": "d"}), True)
