"""The verdict cache: keys, round trips, persistence, and surviving kill -9 mid-write."""

from __future__ import annotations

import math
import pickle
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from claimbench.records import Evidence, Verdict
from claimbench.run.cache import (
    CACHE_FILE,
    CacheError,
    CacheScope,
    VerdictCache,
    cache_key,
    canonical_json,
    file_digests,
    plain_params,
)

CHECKSUM = "ab" * 32


def verdict(item_id: str, label: str | None = "consistent") -> Verdict:
    if label is None:
        return Verdict.failed(item_id, "toy", "1", "ValueError: boom")
    return Verdict(
        item_id,
        "toy",
        "1",
        label,
        score=0.75,
        explanation="ünïcode ✓",
        evidence=(Evidence("a span", span=(1, 4), value=3.5, unit="meter"),),
    )


def test_key_depends_on_every_part() -> None:
    base = ("ds", "toy", "1.0", {"a": 1}, "c1")
    key = cache_key(*base)
    variants = [
        ("ds2", "toy", "1.0", {"a": 1}, "c1"),
        ("ds", "other", "1.0", {"a": 1}, "c1"),
        ("ds", "toy", "1.1", {"a": 1}, "c1"),
        ("ds", "toy", "1.0", {"a": 2}, "c1"),
        ("ds", "toy", "1.0", {"a": 1, "b": None}, "c1"),
        ("ds", "toy", "1.0", {"a": 1}, "c2"),
    ]
    keys = {cache_key(*v) for v in variants}
    assert key not in keys
    assert len(keys) == len(variants)
    assert len(key) == 64


def test_key_is_canonical() -> None:
    assert cache_key("d", "c", "1", {"a": 1, "b": [1, 2]}, "i") == cache_key(
        "d", "c", "1", {"b": (1, 2), "a": 1}, "i"
    )
    scope = CacheScope("d", "c", "1", {"b": [1, 2], "a": 1})
    assert scope.key("i") == cache_key("d", "c", "1", {"a": 1, "b": [1, 2]}, "i")
    assert scope.key('ü"x') == cache_key("d", "c", "1", {"a": 1, "b": [1, 2]}, 'ü"x')


def test_canonical_json() -> None:
    assert canonical_json({"b": 1, "a": Path("x/y"), "s": {3, 1}}) == '{"a":"x/y","b":1,"s":[1,3]}'
    assert plain_params({"t": (1, 2)}) == {"t": [1, 2]}
    with pytest.raises(ValueError, match="Out of range float"):
        canonical_json({"x": float("nan")})
    with pytest.raises(TypeError, match="no canonical JSON form"):
        canonical_json({"x": object()})


def test_round_trip_and_persistence(tmp_path: Path) -> None:
    scope = CacheScope(CHECKSUM, "toy", "1", {"p": 1})
    entries = [("c1", verdict("c1")), ("c2", verdict("c2", None))]
    with VerdictCache(tmp_path) as cache:
        assert cache.get_many(scope, ["c1"]) == {}
        assert cache.put_many(scope, entries) == 2
        assert cache.put_many(scope, []) == 0
    with VerdictCache(tmp_path) as cache:
        assert len(cache) == 2
        assert cache.get_many(scope, ["c1", "c2", "c3"]) == dict(entries)
        assert cache.get_many(scope, ["c2"]) == {"c2": entries[1][1]}
        other = CacheScope(CHECKSUM, "toy", "1", {"p": 2})
        assert cache.get_many(other, ["c1", "c2"]) == {}


def test_many_shards(tmp_path: Path) -> None:
    scope = CacheScope(CHECKSUM, "toy", "1", {})
    ids = [f"c{i}" for i in range(1234)]
    with VerdictCache(tmp_path) as cache:
        for start in range(0, len(ids), 100):
            cache.put_many(scope, [(i, verdict(i)) for i in ids[start : start + 100]])
        found = cache.get_many(scope, ids[:-1])
    assert list(found) == ids[:-1]


def test_overwrite_replaces(tmp_path: Path) -> None:
    scope = CacheScope(CHECKSUM, "toy", "1", {})
    with VerdictCache(tmp_path) as cache:
        cache.put_many(scope, [("c1", verdict("c1", None)), ("c2", verdict("c2"))])
        cache.put_many(scope, [("c1", verdict("c1"))])
        assert len(cache) == 2
        assert cache.get_many(scope, ["c1", "c2"]) == {"c1": verdict("c1"), "c2": verdict("c2")}


def test_non_finite_evidence_is_stored_as_null_and_scopes_pickle(tmp_path: Path) -> None:
    """NaN and infinity have no JSON form: such an evidence value comes back as None, the run goes on."""
    odd = Verdict(
        "c1",
        "toy",
        "1",
        "consistent",
        evidence=(Evidence("x", value=math.nan), Evidence("y", value=-math.inf)),
    )
    scope = CacheScope(CHECKSUM, "toy", "1", {"p": [1, 2]})
    copy = pickle.loads(pickle.dumps(scope))
    assert (copy.hash, copy.key("c1"), copy.params_json) == (scope.hash, scope.key("c1"), scope.params_json)
    with VerdictCache(tmp_path) as cache:
        assert cache.put_many(copy, [("c1", odd)]) == 1
        (back,) = cache.get_many(scope, ["c1"]).values()
    assert [e.value for e in back.evidence] == [None, None]
    assert back == replace(odd, evidence=tuple(replace(e, value=None) for e in odd.evidence))


def test_newer_layout_and_corrupt_file_are_refused(tmp_path: Path) -> None:
    VerdictCache(tmp_path / "new").close()
    with sqlite3.connect(tmp_path / "new" / CACHE_FILE) as conn:
        conn.execute("PRAGMA user_version=99")
    with pytest.raises(CacheError, match="newer claimbench"):
        VerdictCache(tmp_path / "new")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(CacheError, match="delete it"):
        VerdictCache(tmp_path / "bad")


WRITER = textwrap.dedent(
    """
    import sys
    from claimbench.run.cache import CacheScope, VerdictCache
    from claimbench.records import Verdict

    scope = CacheScope("d" * 64, "toy", "1", {})
    cache = VerdictCache(sys.argv[1])
    batch = 0
    while True:
        ids = [f"b{batch}-{i}" for i in range(50)]
        cache.put_many(scope, [(i, Verdict(i, "toy", "1", "consistent", explanation="x" * 200)) for i in ids])
        batch += 1
        if batch == 3:
            print("ready", flush=True)
    """
)


def test_kill_9_mid_write_leaves_whole_batches(tmp_path: Path) -> None:
    """A writer killed while appending leaves a readable cache holding only whole batches."""
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.2)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    with VerdictCache(tmp_path) as cache:
        count = len(cache)
        assert count >= 150
        assert count % 50 == 0
        scope = CacheScope("d" * 64, "toy", "1", {})
        assert len(cache.get_many(scope, [f"b0-{i}" for i in range(50)])) == 50


# -- files named by parameters enter the key by content (issue 15, item 5) -----------------------------


class _Reads:
    """A checker-like object declaring which of its parameters name files."""

    file_params = ("model", "lexicons")


def test_file_digests_hash_the_named_files(tmp_path: Path) -> None:
    import hashlib

    model, other = tmp_path / "m.bin", tmp_path / "l.txt"
    model.write_bytes(b"weights")
    other.write_bytes(b"words")
    digests = file_digests(_Reads(), {"model": str(model), "lexicons": [str(other), str(tmp_path / "gone")]})
    assert digests == {
        "model": hashlib.sha256(b"weights").hexdigest(),
        "lexicons": [hashlib.sha256(b"words").hexdigest(), None],
    }
    assert file_digests(_Reads(), {"model": None}) == {}
    assert file_digests(object(), {"model": str(model)}) == {}  # declares none
    with pytest.raises(TypeError, match="not a path"):
        file_digests(_Reads(), {"model": 3})


def test_replacing_the_model_file_misses_the_cache_and_the_report_records_its_digest(tmp_path: Path) -> None:
    """The report's case: `model = "P.skops"` replaced by another model between two runs."""
    import hashlib

    from claimbench.checkers.registry import discover
    from claimbench.run.runner import run
    from claimbench.run.spec import load_spec
    from claimbench.text.stance.model import load, save
    from claimbench.train.fnc1 import train_fnc1
    from tests.test_runner import make_dataset

    sample = Path(__file__).parent / "data" / "fnc1_sample"
    first_model, second_model = tmp_path / "first.skops", tmp_path / "second.skops"
    train_fnc1(sample, first_model, split="all", params={"svd_components": 5, "max_iter": 10, "n_folds": 2})
    save(load(first_model)[0], second_model, metadata={"retrained": True})  # other bytes, same name later
    model = tmp_path / "P.skops"
    data = make_dataset(tmp_path / "data", n_articles=2, per_article=3)
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        'tasks = ["source_agreement"]\n[bootstrap]\nresamples = 20\n'
        f'[[datasets]]\npath = "{data.as_posix()}"\n'
        f'[[checkers]]\nname = "source-agreement"\nparams = {{ model = "{model.as_posix()}" }}\n',
        encoding="utf-8",
    )
    registry = discover()
    spec = load_spec(spec_file, registry=registry).with_overrides(output=tmp_path / "out")

    def once() -> tuple[int, int, Any]:
        report = run(spec, registry=registry, progress=False)
        (checker,) = report.checkers
        return checker.items, checker.reused, report.to_dict()["checkers"][0]["params"]

    model.write_bytes(first_model.read_bytes())
    items, reused, params = once()
    assert (items, reused) == (4, 0)
    assert params["model"] == model.as_posix()
    assert params["__files__"] == {"model": hashlib.sha256(first_model.read_bytes()).hexdigest()}
    assert once()[1] == 4  # same file: all reused
    model.write_bytes(second_model.read_bytes())
    items, reused, params = once()
    assert reused == 0
    assert params["__files__"] == {"model": hashlib.sha256(second_model.read_bytes()).hexdigest()}
