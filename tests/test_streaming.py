"""Streaming datasets too large for memory: the reader, its validation, and the one judge loop on them.

Bounded memory itself is measured by ``benchmarks/bench_scale.py``; here a streamed dataset must give
what the same dataset loaded whole gives — every problem of a broken dataset, and exactly the same
report — through the runner's one loop (its reducer, its fitting rule, its broken-engine error), and a
run mixing both kinds keeps each dataset's predictions where they belong.
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claimbench.data.dataset import (
    DatasetError,
    iter_items,
    load_dataset,
    open_stream,
    validate_dataset,
    validate_stream,
)
from claimbench.data.write import update_manifest
from claimbench.records import NUMERIC_CONSISTENCY, SOURCE_AGREEMENT, TASKS, Evidence, Verdict
from claimbench.report.json import predictions_csv, write_report
from claimbench.report.model import Prediction, Report
from claimbench.run.cache import CacheScope, decode_verdict
from claimbench.run.engines import check_batch
from claimbench.run.runner import run
from claimbench.run.streaming import Finish
from claimbench.run.validated import STREAM_MIN_RECORDS, VALIDATED
from tests.conftest import tiny_records, write_records
from tests.test_runner import CALLS, INTERRUPT_AT, SPEC, make_dataset, registry, spec_for

ROOT = Path(__file__).resolve().parents[1]

Mutation = Callable[[dict[str, Any]], Any]
MUTATIONS: dict[str, Mutation] = {
    "missing text": lambda r: r["claims"][0].pop("text"),
    "duplicate id": lambda r: r["claims"][1].__setitem__("id", "c1"),
    "duplicate id, bad span": lambda r: r["claims"][1].update(id="c1", span=[1, 10]),
    "dangling relation": lambda r: r["relations"][0].__setitem__("claim_id", "nowhere"),
    "same source": lambda r: r["claims"][1]["attribution"].__setitem__("source_id", "council"),
    "shifted span": lambda r: r["claims"][0].__setitem__("span", [1, 10]),
    "bad unit": lambda r: r["claims"][0]["quantities"][1].__setitem__("unit", "furlongz"),
    "bad label": lambda r: r["relations"][0].__setitem__("label", "maybe"),
    "bad article": lambda r: r["articles"][0].pop("title"),
    "two bad sections": lambda r: [c.__setitem__("section", "footer") for c in r["claims"]],
}


def stream_problems(root: Path) -> list[str]:
    try:
        open_stream(root)
    except DatasetError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_streamed_validation_reports_what_loading_reports(tmp_path: Path, name: str) -> None:
    records = tiny_records()
    MUTATIONS[name](records)
    root = write_records(tmp_path / "broken", records)
    expected = [str(p) for p in validate_dataset(root)[1]]
    assert expected
    assert stream_problems(root) == expected


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_validate_stream_reports_what_validate_dataset_reports(tmp_path: Path, name: str) -> None:
    records = tiny_records()
    MUTATIONS[name](records)
    root = write_records(tmp_path / "broken", records)
    assert validate_stream(root) == (None, validate_dataset(root)[1])
    good = write_records(tmp_path / "good", tiny_records())
    stream, problems = validate_stream(good)
    assert problems == []
    assert stream is not None
    assert stream.checksum == load_dataset(good).checksum
    assert stream.claims == {}  # nothing held per claim


def test_streamed_validation_of_bytes_counts_and_files(tmp_path: Path) -> None:
    root = write_records(tmp_path / "data", tiny_records())
    path = root / "claims.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1][:7] + b"\xff" + lines[1][7:]
    path.write_bytes(b"\n".join(lines))
    update_manifest(root)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["counts"]["articles"] = 3
    (root / "manifest.json").write_text(json.dumps(manifest))
    (root / "articles.jsonl").write_text((root / "articles.jsonl").read_text() + "\n")
    expected = [str(p) for p in validate_dataset(root)[1]]
    assert any("claims.jsonl:2: $: not valid UTF-8" in p for p in expected)
    assert stream_problems(root) == expected
    (root / "relations.jsonl").unlink()
    assert stream_problems(root) == [str(p) for p in validate_dataset(root)[1]]
    assert stream_problems(tmp_path / "nowhere") == [
        f"{tmp_path / 'nowhere'}:0: $: not a dataset directory (does not exist)"
    ]


def test_stream_reads_what_load_holds() -> None:
    for root in sorted(p.parent for p in (ROOT / "datasets").glob("*/manifest.json")):
        whole, stream = load_dataset(root), open_stream(root)
        assert (stream.id, stream.version, stream.checksum) == (whole.id, whole.version, whole.checksum)
        assert stream.articles == whole.articles
        for task in (NUMERIC_CONSISTENCY, SOURCE_AGREEMENT):
            items = [item for chunk in stream.chunks(task, 7) for item in chunk]
            assert items == whole.items(task)
            assert [stream.cluster_of(i) for i in items] == [whole.cluster_of(i) for i in items]
            assert [item for chunk in iter_items(root, task, 5) for item in chunk] == items
            assert [len(c) for c in stream.chunks(task, 7, limit=9)] == ([7, 2] if len(items) >= 9 else [])
        # claims in an article are held for the context; standalone claims are only streamed
        assert set(stream.claims) == {c.id for c in whole.claims.values() if c.article_id is not None} or (
            whole.relations and stream.claims == whole.claims
        )


def test_iter_items_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    source = ROOT / "datasets" / "fnc1-conversions" / "claims.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()[:6]
    bad = json.loads(lines[2])
    del bad["text"]
    lines[2] = json.dumps(bad)
    lines[4] = '{"id": "x", "text": '
    file = tmp_path / "claims.jsonl"
    file.write_text("\n".join(lines) + "\n\n", encoding="utf-8")

    found: list[Any] = []
    chunks = list(iter_items(file, NUMERIC_CONSISTENCY, 2, problems=found))
    assert [len(c) for c in chunks] == [2, 2]
    assert [str(p).replace(str(file), "F") for p in found] == [
        "F:3: $.text: required property is missing",
        "F:5: $: invalid JSON at column 1: Expecting value",
        "F:7: $: blank line; expected one JSON object per line",
    ]
    with pytest.raises(DatasetError, match=r"claims\.jsonl:3: \$\.text: required property is missing"):
        list(iter_items(file, NUMERIC_CONSISTENCY))
    with pytest.raises(ValueError, match="unknown task"):
        list(iter_items(file, "nope"))


def test_iter_items_reads_parquet_row_groups(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from claimbench.publish.export import export_dataset

    root = ROOT / "datasets" / "mosul-2016"
    out = export_dataset(load_dataset(root), "hf", tmp_path / "hf")
    for task, name in ((NUMERIC_CONSISTENCY, "claims"), (SOURCE_AGREEMENT, "relations")):
        parquet = [i for c in iter_items(out / "data" / f"{name}.parquet", task, 10) for i in c]
        assert parquet == load_dataset(root).items(task)


def test_a_file_changed_after_validation_is_refused(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "toy")
    stream = open_stream(root)
    with (root / "claims.jsonl").open("a", encoding="utf-8") as handle:
        handle.write((root / "claims.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    with pytest.raises(DatasetError, match=r"claims\.jsonl changed while the run read it"):
        list(stream.chunks(NUMERIC_CONSISTENCY))


# ------------------------------------------------------------------------------ the runner, streamed

TEXT = (
    SPEC
    + '\n[[checkers]]\nname = "toy"\nlabel = "flaky"\nparams = {{ fail_on = "c007" }}\n'
    + '\n[[checkers]]\nname = "toy"\nlabel = "flaky-stance"\n'
    + 'params = {{ task = "source_agreement", fail_on = "cr012" }}\n'
)


def outcome(report: Report) -> dict[str, Any]:
    """What a streamed run must share with the in-memory one (not the articles: a report carries those
    with verdicts in it, and a streamed run's verdicts are in predictions.csv)."""
    data = report.to_dict()
    return {k: data[k] for k in ("scores", "comparisons", "datasets")} | {
        "resampling": data["spec"]["bootstrap"]["resampling"]
    }


@pytest.fixture(autouse=True)
def _reset() -> None:
    CALLS.clear()
    INTERRUPT_AT.clear()


def test_streamed_run_gives_the_in_memory_report(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "toy", n_articles=8)
    whole = run(spec_for(tmp_path / "whole", data, TEXT), registry=registry(), progress=False)
    streamed = run(
        spec_for(tmp_path / "stream", data, TEXT), registry=registry(), progress=False, stream=True
    )
    assert outcome(streamed) == outcome(whole)
    assert streamed.predictions == ()
    assert streamed.predictions_file is not None
    assert Path(streamed.predictions_file).read_text(encoding="utf-8") == predictions_csv(whole.predictions)
    assert "predictions_file" not in streamed.to_dict()  # report.json is unchanged by streaming
    assert {c.name: (c.items, c.reused) for c in streamed.checkers} == {
        c.name: (c.items, c.reused) for c in whole.checkers
    }

    written = write_report(streamed, tmp_path / "out-stream")
    write_report(whole, tmp_path / "out-whole")
    for name in ("predictions.csv", "predictions.parquet"):
        assert (tmp_path / "out-stream" / name).read_bytes() == (
            tmp_path / "out-whole" / name
        ).read_bytes() or (
            name.endswith(".parquet")
            and _same_parquet(tmp_path / "out-stream" / name, tmp_path / "out-whole" / name)
        )
    assert tmp_path / "out-stream" / "predictions.csv" in written


class _Unfinishing:
    """An engine written before ``finish=`` existed: it takes the argument and sends verdicts back."""

    name = "unfinishing"

    def map_batches(self, checker: Any, context: Any, batches: Any, finish: Any = None) -> Any:
        from claimbench.run.engines import SerialEngine

        return SerialEngine().map_batches(checker, context, batches)

    def close(self) -> None:
        """Nothing to release."""


def test_a_streamed_run_on_an_engine_that_ignores_finish_reduces_in_the_runner(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "toy", n_articles=8)
    reference = run(spec_for(tmp_path / "ref", data, TEXT), registry=registry(), progress=False, stream=True)
    other = run(
        spec_for(tmp_path / "other", data, TEXT),
        registry=registry(),
        progress=False,
        stream=True,
        engine=_Unfinishing(),  # type: ignore[arg-type]
    )
    assert outcome(other) == outcome(reference)
    assert reference.predictions_file is not None
    assert other.predictions_file is not None
    assert Path(other.predictions_file).read_text() == Path(reference.predictions_file).read_text()


def _same_parquet(a: Path, b: Path) -> bool:
    import pyarrow.parquet as pq

    return bool(pq.read_table(a).equals(pq.read_table(b)))


MIXED = SPEC.replace(
    '[[datasets]]\npath = "{data}"\n', '[[datasets]]\npath = "{data}"\n[[datasets]]\npath = "{big}"\n'
)


def test_a_run_mixing_both_keeps_the_whole_datasets_predictions_and_spools_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One dataset large enough to stream and one loaded whole: the small one's predictions stay in the
    report (report.json, the HTML article views), and the spool is the run's whole predictions.csv."""
    small = make_dataset(tmp_path / "small", prefix="s", n_articles=2)
    big = make_dataset(tmp_path / "big", prefix="b", n_articles=8, place="city")
    text = MIXED.replace("{big}", big.as_posix())
    whole = run(spec_for(tmp_path / "whole", small, text), registry=registry(), progress=False)
    monkeypatch.setattr("claimbench.run.validated.STREAM_MIN_RECORDS", 20)  # small: 10 claims, 8 relations
    mixed = run(spec_for(tmp_path / "mixed", small, text), registry=registry(), progress=False)
    assert outcome(mixed) == outcome(whole)
    assert mixed.predictions == tuple(p for p in whole.predictions if p.dataset == "small")
    assert mixed.articles == tuple(a for a in whole.articles if a.dataset == "small")
    assert mixed.predictions_file is not None
    assert Path(mixed.predictions_file).read_text(encoding="utf-8") == predictions_csv(whole.predictions)


def test_a_streamed_two_label_corpus_is_scored_over_its_labels(tmp_path: Path) -> None:
    """A converted corpus declares its labels (manifest ``label_mapping``): macro-F1 averages over those
    whether the corpus is loaded whole or streamed."""
    from claimbench.data.adapters import perspectrum, save

    sample = ROOT / "tests" / "data" / "pairs_sample" / "perspectrum.csv"
    data = save(perspectrum.load(sample), tmp_path / "perspectrum").path
    text = SPEC.split("[[checkers]]")[0] + (
        '[[checkers]]\nname = "toy"\nparams = {{ task = "source_agreement" }}\n'
    )
    whole = run(spec_for(tmp_path / "whole", data, text), registry=registry(), progress=False)
    streamed = run(
        spec_for(tmp_path / "stream", data, text), registry=registry(), progress=False, stream=True
    )
    assert outcome(streamed) == outcome(whole)
    (scores,) = streamed.scores
    two = [scores.per_label[label].f1 for label in ("agree", "disagree")]
    assert scores.metrics["macro_f1"].value == pytest.approx(sum(two) / 2)


@pytest.mark.parametrize("stream", [False, True])
def test_fitting_waits_for_the_first_missing_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: bool
) -> None:
    """One rule for both kinds of dataset: fit when a verdict is missing, not at all when all are cached."""
    from claimbench.run import runner
    from tests.test_runner import fit_spec

    data = make_dataset(tmp_path / "toy")
    dev = make_dataset(tmp_path / "dev", prefix="d", n_articles=2, place="village")
    fits: list[str] = []
    real = runner.fit_checker

    def spy(checker: Any, items: Any, context: Any) -> Any:
        fits.append(str(checker.name))
        return real(checker, items, context)

    monkeypatch.setattr(runner, "fit_checker", spy)
    spec = fit_spec(tmp_path / "run", data, dev)
    first = run(spec, registry=registry(), progress=False, stream=stream)
    assert fits == ["majority-baseline"]
    again = run(spec, registry=registry(), progress=False, stream=stream)
    assert fits == ["majority-baseline"]  # every verdict cached: nothing to fit for
    assert again.checkers[0].reused == 30
    assert outcome(again) == outcome(first)


@pytest.mark.parametrize("held", [0, 20_000])
@pytest.mark.parametrize("retry_errors", [False, True])
def test_the_shard_index_finds_what_get_many_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: int, retry_errors: bool
) -> None:
    """Small scopes are looked up in the entries read once, large ones by key prefix: the same verdicts
    (newest shard wins; with ``retry_errors`` recorded errors are left to recompute)."""
    from claimbench.run import cache as cache_module
    from claimbench.run.cache import VerdictCache

    monkeypatch.setattr(cache_module, "HELD_VERDICTS", held)
    scope = CacheScope("0" * 64, "toy", "1", {})
    old = [Verdict(f"c{i}", "toy", "1", "consistent", 0.5) for i in range(6)]
    new = [Verdict.failed("c1", "toy", "1", "boom"), Verdict("c4", "toy", "1", "inconsistent", 0.25)]
    with VerdictCache(tmp_path) as cache:
        cache.put_many(scope, ((v.item_id, v) for v in old))
        cache.put_many(scope, ((v.item_id, v) for v in new))
        ids = ["c9", "c4", "c1", "c0"]
        expected = cache.get_many(scope, ids)
        if retry_errors:
            expected = {i: v for i, v in expected.items() if v.error is None}
        index = cache.index(scope, retry_errors)
        try:
            found = index.lookup(scope, ids)
        finally:
            index.close()
    assert {ids[n]: v for n, v in found.items()} == expected
    assert expected["c4"].label == "inconsistent"


class _Forgetful:
    """A broken engine: it drops the last batch it is given."""

    name = "forgetful"

    def map_batches(self, checker: Any, context: Any, batches: Any, finish: Any = None) -> Any:
        from claimbench.run.engines import SerialEngine

        results = list(SerialEngine().map_batches(checker, context, batches, finish))
        return iter(results[:-1])

    def close(self) -> None:
        """Nothing to release."""


@pytest.mark.parametrize("stream", [False, True])
def test_a_broken_engine_stops_the_run_the_same_way_for_both(tmp_path: Path, stream: bool) -> None:
    data = make_dataset(tmp_path / "toy")
    with pytest.raises(RuntimeError, match="engine 'forgetful' did not return every batch"):
        run(
            spec_for(tmp_path / "run", data),
            registry=registry(),
            progress=False,
            stream=stream,
            engine=_Forgetful(),  # type: ignore[arg-type]
        )


def test_streamed_run_resumes_from_the_cache(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "toy")
    spec = spec_for(tmp_path / "run", data)
    INTERRUPT_AT.append("c013")
    with pytest.raises(KeyboardInterrupt):
        run(spec, registry=registry(), progress=False, stream=True)
    assert [f"c{i:03d}" for i in range(13)] == CALLS  # batches of 4: c000–c011 were stored
    INTERRUPT_AT.clear()
    CALLS.clear()
    resumed = run(spec, registry=registry(), progress=False, stream=True)
    toy_a = next(c for c in resumed.checkers if c.name == "toy-a")
    assert (toy_a.reused, toy_a.items) == (12, 30)
    assert CALLS[:18] == [f"c{i:03d}" for i in range(12, 30)]
    CALLS.clear()
    again = run(spec, registry=registry(), progress=False, stream=True)
    assert CALLS == []
    assert outcome(again) == outcome(resumed)
    fresh = run(spec_for(tmp_path / "fresh", data), registry=registry(), progress=False)
    assert outcome(resumed) == outcome(fresh)


def test_streamed_retry_errors_and_no_cache(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "toy")
    text = SPEC.split("[[checkers]]")[0] + '[[checkers]]\nname = "toy"\nparams = {{ fail_on = "c007" }}\n'
    spec = spec_for(tmp_path, data, text)
    run(spec, registry=registry(), progress=False, stream=True)
    CALLS.clear()
    run(spec, registry=registry(), progress=False, stream=True, retry_errors=True)
    assert CALLS == []  # c007 is retried, and fails again on its own (never reaches CALLS)
    assert run(spec, registry=registry(), progress=False, stream=True).checkers[0].reused == 30
    run(spec, registry=registry(), progress=False, stream=True, use_cache=False)
    assert len(CALLS) == 29


def test_streaming_is_chosen_by_size_and_validates_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_dataset(tmp_path / "toy")
    spec = spec_for(tmp_path / "run", data)
    assert run(spec, registry=registry(), progress=False).predictions  # small: loaded whole
    monkeypatch.setattr("claimbench.run.validated.STREAM_MIN_RECORDS", 10)
    assert STREAM_MIN_RECORDS == 100_000
    calls: list[bool] = []
    real = open_stream

    def spy(path: Path, *, validate: bool = True) -> Any:
        calls.append(validate)
        return real(path, validate=validate)

    monkeypatch.setattr("claimbench.run.validated.open_stream", spy)
    first = run(spec, registry=registry(), progress=False)
    assert first.predictions == ()  # large: streamed
    second = run(spec, registry=registry(), progress=False)
    assert calls == [True, False]  # validated once for this output directory
    assert outcome(second) == outcome(first)
    memo = json.loads((tmp_path / "run" / "out" / "cache" / VALIDATED).read_text())
    assert list(memo) == [load_dataset(data).checksum]


def test_joblib_engine_streams_in_windows(tmp_path: Path) -> None:
    from claimbench.checkers.registry import CheckerInfo, Registry
    from tests.test_engines import Toy as Light

    reg = Registry({"toy": CheckerInfo("toy", Light, "test", "1", NUMERIC_CONSISTENCY)})
    data = make_dataset(tmp_path / "toy", n_articles=10)
    text = SPEC.split("[[checkers]]")[0] + '[[checkers]]\nname = "toy"\nparams = {{ fail_on = "c005" }}\n'
    serial = run(spec_for(tmp_path / "s", data, text, reg=reg), registry=reg, progress=False)
    parallel = run(
        spec_for(tmp_path / "p", data, text, reg=reg, jobs=2), registry=reg, progress=False, stream=True
    )
    assert parallel.spec["run"]["engine"] == "joblib"
    assert outcome(parallel) == outcome(serial)


def test_bundled_datasets_stream_like_they_load(tmp_path: Path) -> None:
    copy = shutil.copytree(ROOT / "datasets" / "mosul-2016", tmp_path / "mosul")
    assert open_stream(copy).checksum == load_dataset(copy).checksum


def test_batches_travel_compactly_and_arrive_equal() -> None:
    import pickle

    from claimbench.checkers.numeric import NumericSanityChecker
    from claimbench.run.engines import BatchResult, RawItems, check_batch

    root = ROOT / "datasets" / "fnc1-conversions"
    chunk = next(open_stream(root).raw_chunks(NUMERIC_CONSISTENCY, 50))
    whole = load_dataset(root).items(NUMERIC_CONSISTENCY)[:50]
    local = RawItems("claim", chunk.lines, chunk.records)  # built from the parsed records, here
    sent = pickle.loads(pickle.dumps(RawItems("claim", chunk.lines, chunk.records)))  # from the lines
    assert list(local) == list(sent) == whole
    assert len(sent) == 50
    assert sent[3] == whole[3]
    assert sent[1:3] == whole[1:3]
    with pytest.raises(ValueError, match="claim or relation"):
        RawItems("article", [])

    verdicts = check_batch(NumericSanityChecker(), sent, open_stream(root).context())
    assert any(v.evidence for v in verdicts)
    result = BatchResult(7, verdicts, 0.5)
    assert pickle.loads(pickle.dumps(result)) == result


def test_scale_benchmark_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``benchmarks/bench_scale.py`` end to end on a tiny corpus (so it does not rot unnoticed)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "bench_scale.py")
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_scale", bench)  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    text, changed = bench.perturb("7 miles (20 km), 1,250 people and 3.5%", __import__("random").Random(1))
    assert changed
    assert text.count(",") == 2  # formats kept
    out = tmp_path / "measured.json"
    argv = [
        "--sizes",
        "300",
        "--configs",
        "bare,local-1",
        "--repeat",
        "1",
        "--resamples",
        "5",
        "--json",
        str(out),
    ]
    assert bench.main(argv) == 0
    printed = capsys.readouterr().out
    assert "local-1 overhead vs bare loop" in printed
    rows = json.loads(out.read_text())
    assert {r["config"] for r in rows} == {"bare", "local-1"}
    assert all(r["items"] == 300 and r["peak_main_mib"] > 0 for r in rows)


# ------------------------------------------------------------------------------------ streaming.Finish

IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}", fullmatch=True)
AWKWARD = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(',"\r\n '), max_size=40)


@st.composite
def verdicts(draw: st.DrawFn) -> tuple[str, str, str, Verdict]:
    """An item id, its gold label and cluster, and a verdict with awkward text (commas, quotes, CR, LF)."""
    item_id, cluster = draw(IDS), draw(IDS)
    gold = draw(st.sampled_from(TASKS[NUMERIC_CONSISTENCY].labels))
    evidence = tuple(
        Evidence(
            draw(AWKWARD), span, draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)), unit
        )
        for span, unit in draw(
            st.lists(st.tuples(st.none() | st.tuples(st.just(0), st.just(3)), st.none() | IDS), max_size=2)
        )
    )
    if draw(st.booleans()):
        label = draw(st.sampled_from(TASKS[NUMERIC_CONSISTENCY].labels))
        score = draw(st.none() | st.floats(0.0, 1.0))
        verdict = Verdict(item_id, "toy", "1", label, score, draw(AWKWARD), evidence)
    else:
        verdict = Verdict.failed(item_id, "toy", "1", draw(AWKWARD.filter(bool)))
    return item_id, gold, cluster, verdict


@given(
    rows=st.lists(verdicts(), max_size=8),
    names=st.tuples(IDS, st.sampled_from(["toy", "a, checker", 'say "x"'])),
)
@example(
    rows=[("c1", "consistent", "a1", Verdict("c1", "toy", "1", "consistent", 0.5, 'a "b",\r\nc'))],
    names=("d", "toy"),
)
@example(  # a bare CR: quoted by csv from Python 3.11.9 on, not before; the rows follow csv either way
    rows=[("c1", "consistent", "a1", Verdict.failed("c1", "toy", "1", "a\rb"))],
    names=("d", "toy"),
)
@settings(suppress_health_check=[HealthCheck.too_slow])  # awkward texts are slow to draw on a busy machine
def test_finish_reduces_to_the_rows_codes_and_shard_of_the_verdicts(
    rows: list[tuple[str, str, str, Verdict]], names: tuple[str, str]
) -> None:
    """The worker-side reduction writes exactly predictions_csv's rows, the label codes and the shard."""
    dataset, checker = names
    scope = CacheScope("0" * 64, "toy", "1", {"p": 1})
    finish = Finish(dataset, NUMERIC_CONSISTENCY, checker, scope)
    ids, gold, clusters, vs = ([r[i] for r in rows] for i in range(4))  # type: ignore[misc]
    done = finish.reduce(ids, gold, clusters, vs)

    expected = [
        Prediction(dataset, NUMERIC_CONSISTENCY, i, checker, g, v.label, v.score, v.error, v.explanation, c)
        for i, g, c, v in zip(ids, gold, clusters, vs, strict=True)
    ]
    assert "".join(done.rows) == predictions_csv(expected).split("\n", 1)[1]
    held = Finish(dataset, NUMERIC_CONSISTENCY, checker, scope, held=True).reduce(ids, gold, clusters, vs)
    assert held.rows == expected  # the same rows as records, for a report that carries them
    assert (held.codes, held.scores, held.shard) == (done.codes, done.scores, done.shard)
    failed = [n for n, v in enumerate(vs) if v.error is not None]
    assert (done.error_at, done.first_error) == ((failed[0], vs[failed[0]].error) if failed else (-1, None))
    labels = TASKS[NUMERIC_CONSISTENCY].labels
    assert list(done.codes) == [labels.index(v.label) if v.label else len(labels) for v in vs]
    scores = np.frombuffer(done.scores, dtype=np.float64)
    assert [None if math.isnan(s) else s for s in scores.tolist()] == [v.score for v in vs]
    assert done.errors == sum(v.error is not None for v in vs)
    assert done.shard is not None
    stored = json.loads(done.shard)
    assert {k: decode_verdict(i, stored[k]) for i, k in ((i, scope.key(i)) for i in ids)} == {
        scope.key(i): v for i, v in zip(ids, vs, strict=True)
    }
    assert finish.reduce(ids, gold, clusters, vs, cached=True).shard is None
    # travels to a worker and back unchanged
    again = pickle.loads(pickle.dumps((finish, done)))
    assert again[0].scope.key("x") == scope.key("x")
    assert again[1] == done


def test_finish_runs_where_the_batch_was_checked(tmp_path: Path) -> None:
    """Through a real engine the verdicts stay on the worker: only the reduced batch comes back."""
    from claimbench.checkers.numeric import NumericSanityChecker
    from claimbench.run.engines import JoblibEngine, SerialEngine
    from claimbench.run.streaming import StreamBatch

    root = ROOT / "datasets" / "fnc1-conversions"
    stream = open_stream(root)
    chunk = next(stream.raw_chunks(NUMERIC_CONSISTENCY, 40))
    batches = [
        StreamBatch(
            "claim", chunk.lines[i : i + 10], None, chunk.gold[i : i + 10], chunk.clusters[i : i + 10]
        )
        for i in range(0, 40, 10)
    ]
    finish = Finish(
        stream.id, NUMERIC_CONSISTENCY, "numeric-sanity", CacheScope(stream.checksum, "n", "1", {})
    )
    checker, context = NumericSanityChecker(), stream.context()
    serial = sorted(SerialEngine().map_batches(checker, context, batches, finish), key=lambda r: r.index)
    parallel = sorted(
        JoblibEngine(jobs=2).map_batches(checker, context, iter(batches), finish), key=lambda r: r.index
    )
    assert [r.verdicts for r in parallel] == [[]] * 4
    assert [r.finished for r in parallel] == [r.finished for r in serial]
    whole = check_batch(checker, load_dataset(root).items(NUMERIC_CONSISTENCY)[:40], context)
    assert (
        b"".join(r.finished.codes for r in serial)
        == finish.reduce(chunk.ids, chunk.gold, chunk.clusters, whole).codes
    )
    with pytest.raises(TypeError, match="batch of the judge loop"):
        finish(chunk.records, whole)  # type: ignore[arg-type]


# -- proportionate reports: a streamed run's report.html and report.json do not grow with its corpus --

BIG_SPEC = """
seed = 3
[bootstrap]
resamples = 20
[run]
batch_size = 1000

[[datasets]]
path = "{data}"

[[checkers]]
name = "toy"
label = "toy-a"
"""
BIG_CLAIMS = 20_000


@pytest.fixture(scope="module")
def one_big_article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 numeric claims in one article of about 800,000 characters (written as JSON lines directly:
    building record objects would take longer than the run)."""
    root = tmp_path_factory.mktemp("big") / "big"
    root.mkdir()
    labels = ("consistent", "inconsistent", "not_applicable")
    parts = [f"Officials said {k} hurt in town {k % 97}." for k in range(BIG_CLAIMS)]
    claims, offset = [], 0
    for k, part in enumerate(parts):
        gold = {"label": labels[k % 3], "rationale": "test"}
        span = [offset, offset + len(part)]
        claims.append(
            json.dumps(
                {
                    "id": f"c{k:05d}",
                    "text": part,
                    "article_id": "c-a0",
                    "span": span,
                    "numeric_consistency": gold,
                }
            )
        )
        offset += len(part) + 1
    article = {"id": "c-a0", "title": "One big article", "text": " ".join(parts)}
    (root / "articles.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    (root / "claims.jsonl").write_text("\n".join(claims) + "\n", encoding="utf-8")
    manifest = {
        "id": "big",
        "title": "One big article",
        "version": "1.0.0",
        "description": "Many numeric claims in one article.",
        "counts": {},
        "licence": {"text": "Invented for tests.", "annotations": "CC0-1.0"},
        "citation": {"title": "Big", "authors": ["claimbench contributors"], "year": 2026},
    }
    update_manifest(root, manifest)
    return root


def _article_text(root: Path) -> str:
    return str(json.loads((root / "articles.jsonl").read_text(encoding="utf-8"))["text"])


def _report_files(report: Report, out: Path) -> tuple[str, str]:
    from claimbench.report.html import write_html

    write_report(report, out)
    write_html(report, out)
    return (out / "report.json").read_text(encoding="utf-8"), (out / "report.html").read_text(
        encoding="utf-8"
    )


def test_a_streamed_run_on_one_big_article_writes_small_reports(
    tmp_path: Path, one_big_article: Path
) -> None:
    from claimbench.report.html_articles import MAX_ARTICLES_BYTES

    text = _article_text(one_big_article)
    report = run(
        spec_for(tmp_path / "run", one_big_article, BIG_SPEC),
        registry=registry(),
        progress=False,
        stream=True,
    )
    assert report.scores[0].n_items == BIG_CLAIMS
    data, page = _report_files(report, tmp_path / "out")
    assert report.articles == ()  # its verdicts are in predictions.csv: no article to show
    assert text[1000:1100] not in data
    assert text[1000:1100] not in page
    assert len(data.encode()) < 100_000
    assert len(page.encode()) < MAX_ARTICLES_BYTES + 1_000_000
    assert "unchecked" not in page.split("<main>")[1].split('id="errors"')[0]  # no article of unjudged claims


def test_a_big_article_loaded_whole_is_shown_in_part_and_referred_to(
    tmp_path: Path, one_big_article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimbench.report.model as model
    from claimbench.report.compare import compare_reports
    from claimbench.report.html import render_html
    from claimbench.report.html_articles import MAX_ARTICLE_CHARS, MAX_ARTICLES_BYTES, MAX_HIGHLIGHTED_CLAIMS
    from claimbench.report.json import read_report

    monkeypatch.setattr(model, "INLINE_TEXT_CHARS", 100_000)  # this article is "large"
    text = _article_text(one_big_article)
    report = run(
        spec_for(tmp_path / "run", one_big_article, BIG_SPEC),
        registry=registry(),
        progress=False,
        stream=False,
    )
    assert len(report.articles) == 1
    assert report.articles[0].text == text
    data, page = _report_files(report, tmp_path / "out")
    article = json.loads(data)["articles"][0]
    assert "text" not in article
    assert text[1000:1100] not in data
    ref = article["text_ref"]
    assert ref["length"] == len(text)
    assert ref["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert ref["dataset_checksum"] == report.datasets[0].checksum
    assert len(page.encode()) < MAX_ARTICLES_BYTES + 1_000_000
    assert page.count('<mark class="claim ') <= MAX_HIGHLIGHTED_CLAIMS + 4  # + the legend's four
    assert f"{MAX_HIGHLIGHTED_CLAIMS} of {BIG_CLAIMS} claims" in page
    assert text[MAX_ARTICLE_CHARS : MAX_ARTICLE_CHARS + 100] not in page

    back = read_report(tmp_path / "out")  # the reference reads back, renders and compares
    assert back.articles[0].text is None
    assert back.articles[0].text_ref is not None
    again = render_html(back)
    assert "The text is not in report.json" in again
    assert ref["sha256"] in again
    assert len(again.encode()) < MAX_ARTICLES_BYTES + 1_000_000
    assert compare_reports(back, back) is not None


def test_a_small_run_shows_every_article_and_claim_as_before(tmp_path: Path) -> None:
    from claimbench.report.html import render_html

    data = make_dataset(tmp_path / "toy", n_articles=3)
    report = run(spec_for(tmp_path / "run", data, SPEC), registry=registry(), progress=False)
    dataset = load_dataset(data)
    articles = json.loads(json.dumps(report.to_dict()))["articles"]
    assert [(a["id"], a["text"]) for a in articles] == [(a.id, a.text) for a in dataset.articles.values()]
    assert all("text_ref" not in a for a in articles)
    page = render_html(report)
    legends = 4 * len(dataset.articles)  # four marks in each article's legend
    assert page.count('<mark class="claim ') == len(dataset.claims) + legends  # and one per claim
    assert "are highlighted" not in page
    assert "Showing characters" not in page
    assert "are not shown" not in page
