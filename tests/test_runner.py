"""The runner end to end: caching and resuming, errors, fitting rules, scoring, reports and the CLI."""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from claimbench.checkers.baseline import MajorityBaseline
from claimbench.checkers.registry import CheckerInfo, Registry
from claimbench.cli import main
from claimbench.data.dataset import load_dataset
from claimbench.data.schema import load_schema
from claimbench.data.write import write_dataset
from claimbench.records import (
    NUMERIC_CONSISTENCY,
    NUMERIC_LABELS,
    SOURCE_AGREEMENT,
    STANCE_LABELS,
    TASKS,
    Article,
    Attribution,
    Claim,
    Context,
    GoldLabel,
    Item,
    Relation,
    Verdict,
    gold_label,
)
from claimbench.report.console import format_table, headline_rows
from claimbench.report.json import (
    PREDICTION_COLUMNS,
    ReportError,
    read_report,
    report_problems,
    write_report,
)
from claimbench.report.model import Report
from claimbench.run.runner import run
from claimbench.run.spec import BenchmarkSpec, SpecError, load_spec
from claimbench.testing import check_checker, sample_context, sample_items

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------------------- fixtures


def make_dataset(
    root: Path,
    *,
    prefix: str = "c",
    n_articles: int = 6,
    per_article: int = 5,
    version: str = "1.0.0",
    place: str = "town",
) -> Path:
    """A valid dataset: ``n_articles`` articles of ``per_article`` numeric claims, related pairwise.

    Texts depend on the article, the claim's place in it and ``place``, never on ``prefix`` (the ids).
    """
    articles, claims, relations = [], [], []
    for a in range(n_articles):
        parts = [f"Officials said {10 * (j + 1)} hurt in {place} {a}-{j}." for j in range(per_article)]
        text = " ".join(parts)
        article_id = f"{prefix}-a{a}"
        articles.append(Article(id=article_id, title=f"Article {a}", text=text))
        offset = 0
        for j, part in enumerate(parts):
            k = a * per_article + j
            claims.append(
                Claim(
                    id=f"{prefix}{k:03d}",
                    text=part,
                    article_id=article_id,
                    span=(offset, offset + len(part)),
                    claim_type="numeric",
                    attribution=Attribution(source_id=f"s{j % 2}", speaker="x", speaker_type="other"),
                    numeric_consistency=GoldLabel(NUMERIC_LABELS[(k * 5 + k // 3) % 3], "test"),
                )
            )
            offset += len(part) + 1
            if j:
                relations.append(
                    Relation(
                        id=f"{prefix}r{k:03d}",
                        claim_id=f"{prefix}{k - 1:03d}",
                        other_claim_id=f"{prefix}{k:03d}",
                        label=STANCE_LABELS[(k * 3) % 4],
                    )
                )
    manifest = {
        "id": root.name,
        "title": "A toy dataset",
        "version": version,
        "description": "Numeric claims in toy articles.",
        "counts": {},
        "licence": {"text": "Invented for tests.", "annotations": "CC0-1.0"},
        "citation": {"title": "Toy", "authors": ["claimbench contributors"], "year": 2024},
    }
    write_dataset(root, manifest=manifest, articles=articles, claims=claims, relations=relations)
    return root


CALLS: list[str] = []
"""Item ids the toy checkers computed, in order (serial engine only)."""
INTERRUPT_AT: list[str] = []
"""When it holds an item id, the toy checker raises KeyboardInterrupt on reaching that item."""


def _digit(item_id: str) -> int:
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16)


class Toy:
    """Right on about two items in three, with a confidence; raises on a batch holding ``fail_on``."""

    name = "toy"
    version = "1.0"

    def __init__(self, task: str = NUMERIC_CONSISTENCY, skill: int = 3, fail_on: str | None = None) -> None:
        self.task = task
        self.skill = skill
        self.fail_on = fail_on
        self.labels = TASKS[task].labels

    def get_params(self) -> dict[str, Any]:
        return {"task": self.task, "skill": self.skill, "fail_on": self.fail_on}

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        ids = [item.id for item in items]
        if self.fail_on in ids:
            raise RuntimeError(f"cannot judge {self.fail_on}")
        out = []
        for item in items:
            if INTERRUPT_AT and item.id == INTERRUPT_AT[0]:
                raise KeyboardInterrupt
            CALLS.append(item.id)
            gold = str(gold_label(self.task, item))
            h = _digit(item.id)
            wrong = h % self.skill == 0
            label = self.labels[(self.labels.index(gold) + 1) % len(self.labels)] if wrong else gold
            out.append(Verdict(item.id, self.name, self.version, label, score=0.5 + (h % 5) / 10))
        return out


class ToyV2(Toy):
    version = "2.0"


def registry(toy: type[Toy] = Toy) -> Registry:
    return Registry(
        {
            "toy": CheckerInfo("toy", toy, "test", toy.version, NUMERIC_CONSISTENCY),
            "majority-baseline": CheckerInfo(
                "majority-baseline", MajorityBaseline, "built-in", "1.0.0", NUMERIC_CONSISTENCY
            ),
        }
    )


@pytest.fixture(autouse=True)
def _reset() -> None:
    CALLS.clear()
    INTERRUPT_AT.clear()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_dataset(tmp_path / "toy")


SPEC = """
seed = 3
[bootstrap]
resamples = 60
[run]
batch_size = 4

[[datasets]]
path = "{data}"

[[checkers]]
name = "toy"
label = "toy-a"

[[checkers]]
name = "toy"
label = "toy-b"
params = {{ skill = 2 }}

[[checkers]]
name = "majority-baseline"
label = "majority"

[[checkers]]
name = "toy"
label = "toy-stance"
params = {{ task = "source_agreement" }}
"""


def spec_for(
    tmp_path: Path, data: Path, text: str = SPEC, reg: Registry | None = None, **kw: Any
) -> BenchmarkSpec:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "spec.toml"
    path.write_text(text.format(data=data.as_posix()), encoding="utf-8")
    spec = load_spec(path, registry=reg or registry())
    return spec.with_overrides(output=tmp_path / "out", **kw)


def go(spec: BenchmarkSpec, reg: Registry | None = None, **kw: Any) -> Report:
    return run(spec, registry=reg or registry(), progress=False, **kw)


def results(report: Report) -> dict[str, Any]:
    """What must not change between equivalent runs: everything but timings and dates."""
    data = report.to_dict()
    return {k: data[k] for k in ("scores", "comparisons", "predictions", "datasets", "articles")}


# ---------------------------------------------------------------------------------------------- tests


def test_run_scores_everything(tmp_path: Path, data: Path) -> None:
    report = go(spec_for(tmp_path, data))
    assert [(s.task, s.checker) for s in report.scores] == [
        (NUMERIC_CONSISTENCY, "toy-a"),
        (NUMERIC_CONSISTENCY, "toy-b"),
        (NUMERIC_CONSISTENCY, "majority"),
        (SOURCE_AGREEMENT, "toy-stance"),
    ]
    toy, _, majority, stance = report.scores
    assert (toy.n_items, toy.n_errors, toy.coverage) == (30, 0, 1.0)
    assert {"accuracy", "macro_f1", "brier", "ece"} <= set(toy.metrics)
    assert {"accuracy", "macro_f1"} == set(majority.metrics)  # an unfitted baseline gives no scores
    assert {"fnc1_score", "fnc1_percent"} <= set(stance.metrics)
    assert stance.fnc1_maximum
    for s in report.scores:
        for name, est in s.metrics.items():
            assert est.low is not None
            assert est.high is not None
            assert est.low - 1e-9 <= est.value <= est.high + 1e-9, name
    assert len(toy.reliability) == 10
    assert sum(b.count for b in toy.reliability) == 30
    # three numeric checkers: three pairs; BH applied
    assert [(c.checker_a, c.checker_b) for c in report.comparisons] == [
        ("toy-a", "toy-b"),
        ("toy-a", "majority"),
        ("toy-b", "majority"),
    ]
    assert all(c.p_adjusted >= c.p_value for c in report.comparisons)
    assert len(report.predictions) == 30 * 3 + 24
    assert {c.name for c in report.checkers} == {"toy-a", "toy-b", "majority", "toy-stance"}
    assert report.spec["bootstrap"]["resampling"] == {
        "toy/numeric_consistency": "article",
        "toy/source_agreement": "article",
    }
    assert [len(a.claims) for a in report.articles] == [5] * 6
    assert "numpy" in report.environment["packages"]
    assert min(report.timings["wall_seconds"], report.timings["peak_memory_mb"]) > 0


def test_checker_error_is_counted_and_the_run_goes_on(tmp_path: Path, data: Path) -> None:
    text = SPEC + '\n[[checkers]]\nname = "toy"\nlabel = "flaky"\nparams = {{ fail_on = "c007" }}\n'
    report = go(spec_for(tmp_path, data, text))
    flaky = next(s for s in report.scores if s.checker == "flaky")
    assert (flaky.n_items, flaky.n_errors) == (30, 1)
    assert flaky.coverage == pytest.approx(29 / 30)
    (row,) = [p for p in report.predictions if p.checker == "flaky" and p.error]
    assert (row.item_id, row.predicted, row.error) == ("c007", None, "RuntimeError: cannot judge c007")
    assert sum(1 for p in report.predictions if p.checker == "flaky" and p.predicted) == 29


def test_second_run_reuses_the_cache(tmp_path: Path, data: Path) -> None:
    spec = spec_for(tmp_path, data)
    first = go(spec)
    assert len(CALLS) == 30 * 2 + 24
    assert all(c.reused == 0 for c in first.checkers)
    CALLS.clear()
    second = go(spec)
    assert CALLS == []
    assert {c.name: c.reused for c in second.checkers} == {c.name: c.items for c in second.checkers}
    assert all(c.items_per_second == 0.0 for c in second.checkers)
    assert results(second) == results(first)


def test_no_cache_recomputes(tmp_path: Path, data: Path) -> None:
    spec = spec_for(tmp_path, data)
    first = go(spec)
    CALLS.clear()
    again = go(spec, use_cache=False)
    assert len(CALLS) == 84
    assert all(c.reused == 0 for c in again.checkers)
    assert results(again) == results(first)


def test_retry_errors(tmp_path: Path, data: Path) -> None:
    text = SPEC.split("[[checkers]]")[0] + '[[checkers]]\nname = "toy"\nparams = {{ fail_on = "c007" }}\n'
    spec = spec_for(tmp_path, data, text)
    go(spec)
    CALLS.clear()
    go(spec)
    assert CALLS == []
    go(spec, retry_errors=True)
    assert CALLS == []  # c007 still fails, on its own, so it is retried but never computed
    assert go(spec).checkers[0].reused == 30


def test_resume_after_keyboard_interrupt(tmp_path: Path, data: Path) -> None:
    spec = spec_for(tmp_path, data)
    INTERRUPT_AT.append("c013")
    with pytest.raises(KeyboardInterrupt):
        go(spec)
    assert [f"c{i:03d}" for i in range(13)] == CALLS  # batches of 4: c000–c011 were stored
    INTERRUPT_AT.clear()
    CALLS.clear()
    resumed = go(spec)
    toy_a = next(c for c in resumed.checkers if c.name == "toy-a")
    assert (toy_a.reused, toy_a.items) == (12, 30)
    assert CALLS[:18] == [f"c{i:03d}" for i in range(12, 30)]
    uninterrupted = go(spec_for(tmp_path / "fresh", data))
    assert results(resumed) == results(uninterrupted)


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from claimbench.checkers.registry import CheckerInfo, Registry
    from claimbench.checkers.baseline import MajorityBaseline
    from claimbench.records import NUMERIC_CONSISTENCY, TASKS, Verdict, gold_label
    from claimbench.report.json import write_report
    from claimbench.run.runner import run
    from claimbench.run.spec import load_spec

    class Slow:
        name = "slow"
        version = "1"
        task = NUMERIC_CONSISTENCY
        labels = TASKS[NUMERIC_CONSISTENCY].labels

        def get_params(self):
            return {}

        def check(self, items, context):
            with open(os.environ["CALL_LOG"], "a") as log:
                log.write("".join(i.id + "\\n" for i in items))
            if os.environ.get("KILL_AT") in {i.id for i in items}:
                os.kill(os.getpid(), signal.SIGKILL)
            out = []
            for i in items:
                gold = gold_label(self.task, i)
                wrong = int(i.id[1:]) % 4 == 0
                out.append(Verdict(i.id, self.name, self.version, "inconsistent" if wrong else gold))
            return out

    REGISTRY = Registry({
        "slow": CheckerInfo("slow", Slow, "test", "1", NUMERIC_CONSISTENCY),
        "majority-baseline": CheckerInfo("majority-baseline", MajorityBaseline, "", "1", NUMERIC_CONSISTENCY),
    })

    def main(spec_path, out_dir):
        spec = load_spec(spec_path, registry=REGISTRY).with_overrides(output=Path(out_dir))
        write_report(run(spec, registry=REGISTRY, progress=False), out_dir)

    if __name__ == "__main__":
        main(sys.argv[1], sys.argv[2])
    """
)

KILL_SPEC = """
tasks = ["numeric_consistency"]
[bootstrap]
resamples = 50
[run]
batch_size = 4
[[datasets]]
path = "{data}"
[[checkers]]
name = "slow"
[[checkers]]
name = "majority-baseline"
"""


def test_kill_9_then_resume_gives_identical_metrics(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "kill_run.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    spec = tmp_path / "kill.toml"
    spec.write_text(KILL_SPEC.format(data=data.as_posix()), encoding="utf-8")
    calls = tmp_path / "calls.log"
    out = tmp_path / "killed"
    env = {"CALL_LOG": str(calls), "KILL_AT": "c013", "PATH": "/usr/bin:/bin"}

    killed = subprocess.run(
        [sys.executable, str(script), str(spec), str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (out / "report.json").exists()
    first = calls.read_text().split()
    assert first == [f"c{i:03d}" for i in range(16)]  # the fourth batch (c012–c015) was in flight

    del env["KILL_AT"]
    resumed = subprocess.run(
        [sys.executable, str(script), str(spec), str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    second = calls.read_text().split()[len(first) :]
    assert second == [f"c{i:03d}" for i in range(12, 30)]  # only what the cache lacked

    # the same run, uninterrupted, in this process
    monkeypatch.setenv("CALL_LOG", str(tmp_path / "clean.log"))
    monkeypatch.delenv("KILL_AT", raising=False)
    sys.path.insert(0, str(tmp_path))
    try:
        import kill_run  # type: ignore[import-not-found]

        kill_run.main(str(spec), str(tmp_path / "clean"))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("kill_run", None)
    a = read_report(out)
    b = read_report(tmp_path / "clean")
    assert results(a) == results(b)
    assert len(a.comparisons) == 1
    assert a.comparisons == b.comparisons
    assert {c.name: c.reused for c in a.checkers} == {"slow": 12, "majority-baseline": 0}


def test_cache_key_changes_with_params_and_version(tmp_path: Path, data: Path) -> None:
    one = SPEC.split("[[checkers]]")[0] + '[[checkers]]\nname = "toy"\n'
    go(spec_for(tmp_path, data, one))
    assert len(CALLS) == 30
    CALLS.clear()
    go(spec_for(tmp_path, data, one + "params = {{ skill = 4 }}\n"))
    assert len(CALLS) == 30
    CALLS.clear()
    go(spec_for(tmp_path, data, one + "params = {{ skill = 3 }}\n"))  # the default, spelt out: same key
    assert CALLS == []
    v2 = registry(ToyV2)
    go(spec_for(tmp_path, data, one, reg=v2), reg=v2)
    assert len(CALLS) == 30
    CALLS.clear()
    go(spec_for(tmp_path, data, one, batch_size=7))  # execution settings are not part of the key
    assert CALLS == []


def test_limit(tmp_path: Path, data: Path) -> None:
    report = go(spec_for(tmp_path, data, limit=5))
    assert {s.n_items for s in report.scores} == {5}
    assert report.spec["limit"] == 5


FIT_SPEC = """
tasks = ["numeric_consistency"]
[bootstrap]
resamples = 40
[[datasets]]
path = "{data}"
[[checkers]]
name = "majority-baseline"
label = "fitted"
fit_on = "{dev}"
"""


def fit_spec(tmp_path: Path, data: Path, dev: Path) -> BenchmarkSpec:
    return spec_for(tmp_path, data, FIT_SPEC.replace("{dev}", dev.as_posix()))


def test_fit_on_the_evaluated_dataset_is_refused(tmp_path: Path, data: Path) -> None:
    with pytest.raises(SpecError, match=r"checkers\[0\]\.fit_on: refusing to fit on .*same checksum"):
        go(fit_spec(tmp_path, data, data))
    overlapping = make_dataset(tmp_path / "subset", n_articles=2, version="2.0.0")
    with pytest.raises(SpecError, match=r"refusing to fit on .*: 10 numeric_consistency item\(s\) are also"):
        go(fit_spec(tmp_path, data, overlapping))


def test_fit_on_the_same_texts_under_other_ids_is_refused(tmp_path: Path, data: Path) -> None:
    renamed = make_dataset(tmp_path / "renamed", prefix="d", n_articles=2)  # other ids, same texts
    with pytest.raises(
        SpecError, match=r"10 numeric_consistency item\(s\) are also in .*same texts, whatever"
    ):
        go(fit_spec(tmp_path, data, renamed))


def test_one_shared_text_is_counted_not_refused(tmp_path: Path, data: Path) -> None:
    # the first three claims of two articles recur with other article texts (three claims, not five)
    partial = make_dataset(tmp_path / "partial", prefix="d", n_articles=2, per_article=3)
    report = go(fit_spec(tmp_path, data, partial))
    (figure,) = report.contamination
    assert (figure.dataset, figure.task, figure.checker) == ("toy", NUMERIC_CONSISTENCY, "fitted")
    assert (figure.items, figure.shared, figure.share) == (30, 6, pytest.approx(0.2))
    assert figure.fitted_on.startswith("partial 1.0.0 (")
    from claimbench.report.html import render_html
    from claimbench.report.markdown import render_markdown

    write_report(report, tmp_path / "out")
    data_json = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    Draft202012Validator(load_schema("report")).validate(data_json)
    assert data_json["contamination"][0]["shared"] == 6
    assert read_report(tmp_path / "out").contamination == report.contamination
    assert "| toy | numeric_consistency | fitted | 30 | 6 | 20.0% |" in render_markdown(report)
    assert '<td class="num">6</td><td class="num">20.0%</td>' in render_html(report)


def test_fit_on_a_disjoint_dev_split(tmp_path: Path, data: Path) -> None:
    dev = make_dataset(tmp_path / "dev", prefix="d", n_articles=2, place="village")
    report = go(fit_spec(tmp_path, data, dev))
    (figure,) = report.contamination
    assert (figure.items, figure.shared) == (30, 0)
    (checker,) = report.checkers
    assert str(checker.fitted_on).startswith("dev 1.0.0 (")
    assert "fit_on" not in json.dumps(checker.params)
    (scores,) = report.scores
    assert "brier" in scores.metrics  # a fitted baseline reports its training frequency as a score
    majority = MajorityBaseline().fit(load_dataset(dev).items(NUMERIC_CONSISTENCY), Context())
    assert {p.predicted for p in report.predictions} == {majority.majority_}


def test_two_datasets_with_one_id_are_refused(tmp_path: Path, data: Path) -> None:
    twin = make_dataset(tmp_path / "twin" / "toy", prefix="t")
    text = SPEC.replace('path = "{data}"', 'path = "{data}"\n[[datasets]]\npath = "' + twin.as_posix() + '"')
    with pytest.raises(SpecError, match=r"datasets\[1\]: dataset id 'toy' is also that of datasets\[0\]"):
        go(spec_for(tmp_path, data, text))


def test_fit_without_a_fit_method_is_refused(tmp_path: Path, data: Path) -> None:
    dev = make_dataset(tmp_path / "dev", prefix="d", n_articles=2, place="village")
    text = FIT_SPEC.replace("majority-baseline", "toy").replace("{dev}", dev.as_posix())
    with pytest.raises(SpecError, match="has no fit"):
        go(spec_for(tmp_path, data, text))


def test_bad_params_are_spec_errors(tmp_path: Path, data: Path) -> None:
    text = FIT_SPEC.replace('fit_on = "{dev}"', 'params = {{ task = "nope" }}')
    with pytest.raises(SpecError, match=r"checkers\[0\]\.params: cannot create 'majority-baseline'"):
        go(spec_for(tmp_path, data, text))


def test_jobs_2_gives_the_serial_verdicts(tmp_path: Path, data: Path) -> None:
    from tests.test_engines import Toy as Light  # imports little: quick for the worker processes

    reg = Registry({"toy": CheckerInfo("toy", Light, "test", "1", NUMERIC_CONSISTENCY)})
    text = SPEC.split("[[checkers]]")[0] + '[[checkers]]\nname = "toy"\nparams = {{ fail_on = "c005" }}\n'
    serial = go(spec_for(tmp_path / "s", data, text, reg=reg), reg=reg)
    parallel = go(spec_for(tmp_path / "p", data, text, reg=reg, jobs=2), reg=reg)
    assert parallel.spec["run"]["engine"] == "joblib"
    assert parallel.checkers[0].reused == 0
    assert results(parallel) == results(serial)


def test_report_json_validates_and_round_trips(tmp_path: Path, data: Path) -> None:
    report = go(spec_for(tmp_path, data))
    written = write_report(report, tmp_path / "out")
    assert {p.name for p in written} >= {"report.json", "predictions.csv"}
    data_json = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    Draft202012Validator(load_schema("report")).validate(data_json)
    assert read_report(tmp_path / "out") == Report.from_dict(data_json)
    assert read_report(tmp_path / "out" / "report.json").to_dict() == report.to_dict()
    lines = (tmp_path / "out" / "predictions.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(PREDICTION_COLUMNS)
    assert len(lines) == 1 + len(report.predictions)


def test_invalid_report_is_not_written(tmp_path: Path, data: Path) -> None:
    report = go(spec_for(tmp_path, data, limit=2))
    bad = Report(**{**report.__dict__, "seed": -1})
    with pytest.raises(ReportError, match=r"\$\.seed"):
        write_report(bad, tmp_path / "nothing")
    assert not (tmp_path / "nothing" / "report.json").exists()
    assert report_problems(report.to_dict()) == []


@pytest.mark.parametrize("kind", ["report", "verdict"])
def test_schemas_are_documented_and_closed(kind: str) -> None:
    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(f"{kind}.schema.json")
    for example in schema["examples"]:
        Draft202012Validator(schema).validate(example)

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, where
                for name, prop in node["properties"].items():
                    assert "description" in prop, f"{where}.{name}"
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(schema, "$")


def test_verdict_schema_matches_verdicts() -> None:
    validator = Draft202012Validator(load_schema("verdict"))
    good = Verdict("c1", "toy", "1", "consistent", score=0.2)
    failed = Verdict.failed("c1", "toy", "1", "ValueError: x")
    validator.validate(good.to_dict())
    validator.validate(failed.to_dict())
    assert not validator.is_valid({**good.to_dict(), "error": "both"})
    assert not validator.is_valid({**failed.to_dict(), "error": None})


def test_task_enum_in_schema_matches_records() -> None:
    schema = load_schema("report")
    assert schema["$defs"]["task_scores"]["properties"]["task"]["enum"] == list(TASKS)


def test_headline_table(tmp_path: Path, data: Path) -> None:
    table = format_table(headline_rows(go(spec_for(tmp_path, data))))
    header, _, *rows = table.splitlines()
    assert header.split() == [
        "dataset",
        "task",
        "checker",
        "n",
        "accuracy",
        "macro-F1",
        "FNC",
        "%",
        "coverage",
    ]
    assert [row.count("[") for row in rows] == [2, 2, 2, 3]
    assert format_table([]) == "(nothing was scored)"


def test_majority_baseline() -> None:
    assert MajorityBaseline().check(sample_items(NUMERIC_CONSISTENCY), Context())[0].label == "consistent"
    stance = MajorityBaseline(task=SOURCE_AGREEMENT)
    assert {v.label for v in stance.check(sample_items(SOURCE_AGREEMENT), Context())} == {"unrelated"}
    assert MajorityBaseline(label="inconsistent").check(sample_items(NUMERIC_CONSISTENCY), Context())[
        0
    ].label == ("inconsistent")
    with pytest.raises(ValueError, match="not a numeric_consistency label"):
        MajorityBaseline(label="agree")
    with pytest.raises(ValueError, match="unknown task"):
        MajorityBaseline(task="nope")
    items = sample_items(SOURCE_AGREEMENT)  # disagree, unrelated, discuss: a three-way tie
    fitted = MajorityBaseline(task=SOURCE_AGREEMENT).fit(items, Context())
    assert (fitted.majority_, fitted.score_) == ("disagree", pytest.approx(1 / 3))  # earliest label wins
    with pytest.raises(ValueError, match="nothing to fit on"):
        MajorityBaseline().fit(sample_items(NUMERIC_CONSISTENCY), Context())
    check_checker(MajorityBaseline(task=SOURCE_AGREEMENT))
    check_checker(fitted)
    assert sample_context().claims  # the kit's context is what the checks above used


def test_cli_usage_and_invalid_spec(tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["run", "--limit", "0"])
    assert usage.value.code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text('[[datasets]]\npath = "nowhere"\n[[checkers]]\nname = "foo"\n', encoding="utf-8")
    assert main(["run", str(bad), "--output", str(tmp_path / "o"), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: checkers[0].name: unknown checker 'foo'; available: " in err
    assert f"{bad}: datasets[0].path: no dataset directory at" in err


CLI_SPEC = """
tasks = ["numeric_consistency"]
[bootstrap]
resamples = 30
[[datasets]]
path = "{data}"
[[checkers]]
name = "majority-baseline"
[[checkers]]
name = "majority-baseline"
label = "inconsistent-always"
params = {{ label = "inconsistent" }}
"""


def test_cli_end_to_end(tmp_path: Path, data: Path, caplog: pytest.LogCaptureFixture) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(CLI_SPEC.format(data=data.as_posix()), encoding="utf-8")
    out = tmp_path / "reports"
    command = [
        sys.executable,
        "-m",
        "claimbench.cli",
        "run",
        str(spec),
        "--output",
        str(out),
        "--limit",
        "12",
    ]
    first = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "majority-baseline on toy/numeric_consistency: 12 item(s): 0 reused" in first.stderr
    assert "inconsistent-always" in first.stdout
    assert f"wrote {out / 'report.json'}" in first.stdout
    report = read_report(out)
    assert {s.checker for s in report.scores} == {"majority-baseline", "inconsistent-always"}
    assert len(report.comparisons) == 1
    # the second run, in this process (cheaper): everything comes from the cache
    with caplog.at_level(logging.INFO, logger="claimbench.run.runner"):
        assert main(command[3:]) == 0
    assert "12 item(s): 12 reused from the cache, 0 computed" in caplog.text
    assert "cache: 24 verdict(s) reused, 0 computed" in caplog.text
    assert read_report(out).predictions == report.predictions
