"""``claimbench compare``: metric changes against the confidence interval, and changed verdicts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from claimbench.cli import main
from claimbench.report.compare import ComparisonTable, MetricChange, compare_reports, render_compare
from claimbench.report.model import FORMAT_VERSION, Estimate, Report
from tests.report_fixtures import est, sample_report, with_metric

NUMERIC = ("mosul-2016", "numeric_consistency")


@pytest.fixture(scope="module")
def base() -> Report:
    return sample_report()


def _change(table: ComparisonTable, checker: str, metric: str, dataset: str = "mosul-2016") -> MetricChange:
    return next(m for m in table.metrics if (m.dataset, m.checker, m.metric) == (dataset, checker, metric))


def _save(report: Report, directory: Path) -> Path:
    directory.mkdir(parents=True)
    (directory / "report.json").write_text(json.dumps(report.to_dict()), encoding="utf-8")
    return directory


def test_identical_runs_change_nothing(base: Report) -> None:
    table = compare_reports(base, base)
    n_metrics = sum(len(s.metrics) for s in base.scores)
    assert len(table.metrics) == n_metrics
    assert all(m.difference == 0 and not m.beyond_ci for m in table.metrics)
    assert not table.regressed
    assert table.verdicts == ()
    assert table.added == table.removed == ()
    assert "0 changed beyond the confidence interval" in render_compare(table)


def test_a_drop_beyond_the_interval_is_a_regression(base: Report) -> None:
    # A: 0.571 [0.521, 0.621]; B = 0.45 lies below A's interval
    worse = with_metric(base, "numeric_rules", "accuracy", est(0.45))
    table = compare_reports(base, worse)
    change = _change(table, "numeric_rules", "accuracy")
    assert change.beyond_ci
    assert change.regressed
    assert change.difference == pytest.approx(0.45 - 0.5714, abs=1e-3)
    assert table.regressed
    assert [m.metric for m in table.regressions] == ["accuracy"]
    text = render_compare(table)
    assert "REGRESSED" in text
    assert "−0.121" in text


def test_a_drop_within_the_interval_is_not_flagged(base: Report) -> None:
    noisy = with_metric(base, "numeric_rules", "accuracy", est(0.54))
    change = _change(compare_reports(base, noisy), "numeric_rules", "accuracy")
    assert change.difference < 0
    assert not change.beyond_ci
    assert not change.regressed


def test_an_improvement_is_not_a_regression(base: Report) -> None:
    better = with_metric(base, "numeric_rules", "macro_f1", est(0.9))
    table = compare_reports(base, better)
    change = _change(table, "numeric_rules", "macro_f1")
    assert change.beyond_ci
    assert change.improved
    assert not change.regressed
    assert not table.regressed
    assert "improved" in render_compare(table)


@pytest.mark.parametrize("metric", ["brier", "ece"])
def test_lower_is_better_for_calibration_errors(base: Report, metric: str) -> None:
    a_value = base.scores[0].metrics[metric]
    assert a_value.high is not None
    higher = compare_reports(base, with_metric(base, "numeric_rules", metric, est(a_value.high + 0.1)))
    assert _change(higher, "numeric_rules", metric).regressed
    lower = compare_reports(base, with_metric(base, "numeric_rules", metric, est(0.0, 0.01)))
    change = _change(lower, "numeric_rules", metric)
    assert change.improved
    assert not change.regressed


def test_without_intervals_nothing_is_flagged(base: Report) -> None:
    a = with_metric(base, "numeric_rules", "accuracy", Estimate(0.9))
    b = with_metric(base, "numeric_rules", "accuracy", Estimate(0.1))
    change = _change(compare_reports(a, b), "numeric_rules", "accuracy")
    assert not change.beyond_ci
    # with only B's interval, A's value is judged against it
    b_ci = with_metric(base, "numeric_rules", "accuracy", est(0.1))
    assert _change(compare_reports(a, b_ci), "numeric_rules", "accuracy").regressed


def test_changed_verdicts_are_listed(base: Report) -> None:
    predictions = []
    for p in base.predictions:
        if p.checker == "numeric_rules" and p.item_id == "mosul-c05":  # wrong in A, right in B
            p = replace(p, predicted="inconsistent")
        elif p.checker == "numeric_rules" and p.item_id == "mosul-c01":  # right in A, wrong in B
            p = replace(p, predicted="not_applicable", explanation="changed")
        elif p.checker == "numeric_rules" and p.item_id == "mosul-c06":  # failed in A, answers in B
            p = replace(p, predicted="inconsistent", error=None)
        elif p.checker == "majority" and p.item_id == "mosul-c02":
            p = replace(p, explanation="only the explanation changed")
        predictions.append(p)
    table = compare_reports(base, replace(base, predictions=tuple(predictions)))
    kinds = {(v.checker, v.item_id): v.kind for v in table.verdicts}
    assert kinds == {
        ("numeric_rules", "mosul-c01"): "broken",
        ("numeric_rules", "mosul-c05"): "fixed",
        ("numeric_rules", "mosul-c06"): "changed",
    }
    text = render_compare(table)
    assert "Changed verdicts (3: 1 fixed, 1 broken, 1 changed)" in text
    assert "mosul-c05" in text
    assert "error: ValueError: unit 'km²' & <unknown>" in text


def test_rows_in_one_run_only_are_added_or_removed(base: Report) -> None:
    newer = replace(base, scores=base.scores[1:])  # numeric_rules dropped
    fewer_metrics = replace(
        base.scores[1], metrics={**base.scores[1].metrics, "brier": est(0.3)}
    )  # majority gains brier
    table = compare_reports(base, replace(newer, scores=(fewer_metrics, *newer.scores[1:])))
    assert [(u.checker, u.metric) for u in table.removed] == [("numeric_rules", None)]
    assert [(u.checker, u.metric) for u in table.added] == [("majority", "brier")]
    text = render_compare(table)
    assert "Only in A (removed):\n  mosul-2016 / numeric_consistency / numeric_rules" in text
    assert "Only in B (added):\n  mosul-2016 / numeric_consistency / majority / brier" in text


def test_cli_fails_on_regression_only_when_asked(
    base: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_a = _save(base, tmp_path / "a")
    run_b = _save(with_metric(base, "stance_tfidf", "fnc1_percent", est(60.0, 2.5)), tmp_path / "b")
    assert main(["compare", str(run_a), str(run_b)]) == 0
    assert main(["compare", str(run_a), str(run_b / "report.json"), "--fail-on-regression"]) == 1
    out, err = capsys.readouterr()
    assert "fnc1_percent" in out
    assert "REGRESSED" in out
    assert "1 metric(s) regressed" in err


def test_cli_passes_an_improvement(base: Report, tmp_path: Path) -> None:
    run_a = _save(base, tmp_path / "a")
    run_b = _save(with_metric(base, "majority", "accuracy", est(0.95)), tmp_path / "b")
    assert main(["compare", str(run_a), str(run_b), "--fail-on-regression"]) == 0


def test_cli_exits_2_without_a_report_and_1_for_an_invalid_one(
    base: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_a = _save(base, tmp_path / "a")
    (tmp_path / "empty").mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "report.json").write_text("{not json", encoding="utf-8")
    assert main(["compare", str(run_a), str(tmp_path / "empty")]) == 2
    assert main(["compare", str(broken), str(run_a)]) == 1
    (broken / "report.json").write_text('{"spec": {}}', encoding="utf-8")
    assert main(["compare", str(broken), str(run_a)]) == 1
    err = capsys.readouterr().err
    assert "empty" in err
    assert "broken" in err


def test_cli_compares_an_older_report_and_refuses_a_newer_one(
    base: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report.json from before ``format_version`` existed compares as before; one in a newer format is
    exit 1 with a message telling the user to upgrade (not a list of schema errors)."""
    run_a = _save(base, tmp_path / "a")
    older = tmp_path / "older"
    older.mkdir()
    data = base.to_dict()
    del data["format_version"]
    (older / "report.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["compare", str(older), str(run_a), "--fail-on-regression"]) == 0
    capsys.readouterr()
    newer = tmp_path / "newer"
    newer.mkdir()
    data["format_version"] = FORMAT_VERSION + 1
    (newer / "report.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["compare", str(run_a), str(newer)]) == 1
    err = capsys.readouterr().err
    assert f"{newer / 'report.json'}: report format version {FORMAT_VERSION + 1}" in err
    assert "upgrade claimbench" in err
    assert "not a valid report" not in err
