"""JSON on the per-item paths: cache shards, and records read back from files already validated.

``orjson`` (a declared dependency on CPython) encodes a verdict about ten times faster than the standard
library and parses a record three to four times faster; on those paths that is most of what the runner
adds to a fast checker (``benchmarks/bench_runner.py``, ``benchmarks/bench_scale.py``). Where it is not
installed (PyPy, a platform without a wheel) the standard library does the same job.

Both functions give what :mod:`json` gives for the values claimbench stores and reads:

* :func:`dumps` takes only JSON-native values with finite numbers (callers make sure; NaN and infinity
  have no JSON form), and writes compact JSON (non-ASCII characters as they are with orjson, escaped
  with the standard library: the same value when read back).
* :func:`loads` falls back to :func:`json.loads` for whatever orjson refuses but the standard library
  reads (``NaN``, numbers out of double range, lone surrogate escapes), so nothing valid is rejected;
  integers beyond 64 bits come back as floats, which no record field holds (quantities are floats).
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by tests/test_json.py with orjson hidden
    _orjson = None  # type: ignore[assignment]


def dumps(value: Any) -> str:
    """Compact JSON text of ``value`` (JSON-native types, finite numbers)."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value).decode("utf-8")
        except TypeError:  # a type orjson does not take (it raises JSONEncodeError, a TypeError)
            pass
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


def loads(data: str | bytes) -> Any:
    """The value of the JSON text ``data``, as :func:`json.loads` reads it."""
    if _orjson is not None:
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(data)
