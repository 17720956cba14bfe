"""claimbench._fastjson: the per-item paths' fast JSON reads and writes what the standard library does."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench import _fastjson

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
        if _fastjson._orjson is None:
            pytest.skip("orjson is not installed (PyPy, or no wheel): the fallback is tested alone")
    else:
        monkeypatch.setattr(_fastjson, "_orjson", None)
    return str(request.param)


@given(value=JSON)
def test_round_trip_equals_the_standard_library(value: Any) -> None:
    for orjson in (_fastjson._orjson, None):
        saved = _fastjson._orjson
        _fastjson._orjson = orjson
        try:
            text = _fastjson.dumps(value)
            assert json.loads(text) == value
            assert _fastjson.loads(text) == value
            assert _fastjson.loads(text.encode("utf-8")) == value
        finally:
            _fastjson._orjson = saved


def test_loads_takes_what_only_the_standard_library_reads(flavour: str) -> None:
    assert math.isnan(_fastjson.loads("[NaN]")[0])
    assert _fastjson.loads("[1e400]") == [math.inf]
    assert _fastjson.loads('"\\ud800"') == "\ud800"  # a lone surrogate escape
    with pytest.raises(json.JSONDecodeError):
        _fastjson.loads("{not json")


def test_dumps_is_compact_and_refuses_what_json_cannot_hold(flavour: str) -> None:
    assert _fastjson.dumps({"a": [1, 2.5, None, "é"]}) in (
        '{"a":[1,2.5,null,"é"]}',
        '{"a":[1,2.5,null,"\\u00e9"]}',
    )
    with pytest.raises((TypeError, ValueError)):
        _fastjson.dumps({"a": object()})


def test_dumps_takes_float_subclasses(flavour: str) -> None:
    np = pytest.importorskip("numpy")
    assert json.loads(_fastjson.dumps([np.float64(0.25), np.float64(1.0)])) == [0.25, 1.0]
