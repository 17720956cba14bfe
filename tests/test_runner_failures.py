"""Failed runs (issue 15, item 6): a checker failing on every item fails the run, and errors caused by the
environment (a missing or refused model file) are reported but never cached as the items' answers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from claimbench.checkers import BaseChecker, CheckerEnvironmentError
from claimbench.checkers.registry import CheckerInfo, Registry, discover
from claimbench.cli import main
from claimbench.records import NUMERIC_CONSISTENCY, NUMERIC_LABELS, Claim, Context, Item, Verdict
from claimbench.report.html import render_html
from claimbench.report.json import read_report
from claimbench.report.markdown import render_markdown
from claimbench.run.cache import CACHE_DIR, CACHE_FILE
from claimbench.run.engines import check_batch
from claimbench.run.runner import run
from claimbench.run.spec import load_spec
from tests.test_runner import make_dataset


class Broken(BaseChecker):
    """Fails on every claim (``how = "item"``: an ordinary error; ``"environment"``: the machine's)."""

    name = "broken"
    version = "1.0"
    task = NUMERIC_CONSISTENCY
    labels = NUMERIC_LABELS

    def __init__(self, how: str = "item", spare: str | None = None) -> None:
        self.how = how
        self.spare = spare

    def check_one(self, item: Item, context: Context) -> Verdict:
        if item.id == self.spare:
            return Verdict(item.id, self.name, self.version, "consistent")
        if self.how == "environment":
            raise CheckerEnvironmentError("lexicon file /nowhere/words.txt is missing")
        raise ValueError(f"cannot judge {item.id}")


def _registry() -> Registry:
    found = discover()
    info = CheckerInfo("broken", Broken, "test", "1.0", NUMERIC_CONSISTENCY)
    return Registry({**found.checkers, "broken": info})


def _spec(tmp_path: Path, checkers: str, tasks: str = "numeric_consistency") -> Path:
    data = make_dataset(tmp_path / "data", n_articles=2, per_article=3)
    path = tmp_path / "spec.toml"
    path.write_text(
        f'tasks = ["{tasks}"]\n[bootstrap]\nresamples = 20\n[[datasets]]\npath = "{data.as_posix()}"\n'
        + checkers,
        encoding="utf-8",
    )
    return path


def _go(spec_path: Path, registry: Registry, **kw: Any) -> Any:
    spec = load_spec(spec_path, registry=registry).with_overrides(output=spec_path.parent / "out")
    return run(spec, registry=registry, progress=False, **kw)


def _cached(out: Path) -> int:
    """How many verdicts the cache of output directory ``out`` holds."""
    with sqlite3.connect(out / CACHE_DIR / CACHE_FILE) as conn:
        return sum(len(json.loads(text)) for (text,) in conn.execute("SELECT verdicts FROM shards"))


def test_a_checker_failing_on_every_item_fails_the_run_and_says_why_first(tmp_path: Path) -> None:
    spec = _spec(tmp_path, '[[checkers]]\nname = "broken"\n[[checkers]]\nname = "majority-baseline"\n')
    report = _go(spec, _registry())
    (reason,) = report.failures
    assert reason == (
        "checker broken failed on every item of data/numeric_consistency (6 item(s)): "
        "ValueError: cannot judge c000"
    )
    assert next(iter(report.to_dict())) == "failures"
    markdown = render_markdown(report)
    assert markdown.startswith(f"# claimbench report\n\n> **FAILED RUN:** {reason}\n")
    html = render_html(report)
    assert html.index('class="run-failed"') < html.index('class="lede"') < html.index("<main>")
    assert reason in html
    assert _cached(tmp_path / "out") == 12  # both checkers: errors of the items themselves are cached


def test_partial_errors_do_not_fail_the_run(tmp_path: Path) -> None:
    spec = _spec(tmp_path, '[[checkers]]\nname = "broken"\nparams = { spare = "c001" }\n')
    assert _go(spec, _registry()).failures == ()


def test_environment_errors_are_reported_but_not_cached(tmp_path: Path) -> None:
    spec = _spec(tmp_path, '[[checkers]]\nname = "broken"\nparams = { how = "environment" }\n')
    for _ in range(2):
        report = _go(spec, _registry())
        (checker,) = report.checkers
        assert (checker.items, checker.reused) == (6, 0)  # the second run tries again
        assert "CheckerEnvironmentError: lexicon file /nowhere/words.txt is missing" in report.failures[0]
    assert _cached(tmp_path / "out") == 0


def test_check_batch_marks_an_environment_error_raised_by_a_whole_batch() -> None:
    class Whole(Broken):
        def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
            raise CheckerEnvironmentError("no model")

    claim = Claim(id="c1", text="10 people")
    (verdict,) = check_batch(Whole(), [claim], Context())
    assert verdict.environment
    assert verdict.error == "CheckerEnvironmentError: no model"
    (ordinary,) = check_batch(Broken(), [claim], Context())
    assert ordinary.error is not None
    assert not ordinary.environment
    with pytest.raises(ValueError, match="only an error verdict"):
        Verdict("c1", "x", "1", "consistent", environment=True)


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("model", ["missing", "refused"])
def test_a_stance_model_that_cannot_be_loaded_fails_the_run_uncached(
    tmp_path: Path, model: str, stream: bool
) -> None:
    path = tmp_path / "P.skops"
    if model == "refused":
        path.write_bytes(b"not a skops archive")
    checkers = f'[[checkers]]\nname = "source-agreement"\nparams = {{ model = "{path.as_posix()}" }}\n'
    spec = _spec(tmp_path, checkers, tasks="source_agreement")
    report = _go(spec, discover(), stream=stream)
    (reason,) = report.failures
    assert reason.startswith("checker source-agreement failed on every item of data/source_agreement")
    assert _cached(tmp_path / "out") == 0
    assert _go(spec, discover(), stream=stream).checkers[0].reused == 0


def test_the_cli_exits_1_for_a_failed_run_with_the_reason_in_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "P.skops"
    checkers = f'[[checkers]]\nname = "source-agreement"\nparams = {{ model = "{missing.as_posix()}" }}\n'
    spec = _spec(tmp_path, checkers, tasks="source_agreement")
    out = tmp_path / "reports"
    assert main(["run", str(spec), "--output", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "error: failed run: checker source-agreement failed on every item" in err
    (reason,) = read_report(out).failures
    assert "FileNotFoundError: stance model file not found" in reason
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["failures"] == [reason]
    assert "> **FAILED RUN:** " in (out / "report.md").read_text(encoding="utf-8")
    assert 'class="run-failed"' in (out / "report.html").read_text(encoding="utf-8")
