"""claimbench._json: the fast JSON of the per-item paths reads and writes what the standard library does."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench import _json

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@pytest.fixture(params=["orjson", "stdlib"])
def flavour(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with orjson (when installed) and with the standard library's fallback."""
    if request.param == "orjson":
        if _json._orjson is None:
            pytest.skip("orjson is not installed (PyPy, or no wheel): the fallback is tested alone")
    else:
        monkeypatch.setattr(_json, "_orjson", None)
    return str(request.param)


@given(value=JSON)
def test_round_trip_equals_the_standard_library(value: Any) -> None:
    for orjson in (_json._orjson, None):
        saved = _json._orjson
        _json._orjson = orjson
        try:
            text = _json.dumps(value)
            assert json.loads(text) == value
            assert _json.loads(text) == value
            assert _json.loads(text.encode("utf-8")) == value
        finally:
            _json._orjson = saved


def test_loads_takes_what_only_the_standard_library_reads(flavour: str) -> None:
    assert math.isnan(_json.loads("[NaN]")[0])
    assert _json.loads("[1e400]") == [math.inf]
    assert _json.loads('"\\ud800"') == "\ud800"  # a lone surrogate escape
    with pytest.raises(json.JSONDecodeError):
        _json.loads("{not json")


def test_dumps_is_compact_and_refuses_what_json_cannot_hold(flavour: str) -> None:
    assert _json.dumps({"a": [1, 2.5, None, "é"]}) in (
        '{"a":[1,2.5,null,"é"]}',
        '{"a":[1,2.5,null,"\\u00e9"]}',
    )
    with pytest.raises((TypeError, ValueError)):
        _json.dumps({"a": object()})


def test_dumps_takes_float_subclasses(flavour: str) -> None:
    np = pytest.importorskip("numpy")
    assert json.loads(_json.dumps([np.float64(0.25), np.float64(1.0)])) == [0.25, 1.0]
