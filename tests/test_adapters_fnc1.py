"""The FNC-1 adapter: official CSV files into validated claimbench records, and `claimbench convert`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from claimbench import load_dataset
from claimbench.data.adapters import fnc1, save
from claimbench.text.stance.corpus import FNC1DataError
from tests.conftest import FNC1_DIR, requires_fnc1

SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"
BODIES, STANCES = SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv"


def test_load_maps_headlines_bodies_and_stances() -> None:
    ds = fnc1.load(BODIES, STANCES)
    stances = pd.read_csv(STANCES)
    assert len(ds.relations) == len(stances)
    assert len(ds.claims) == stances["Headline"].nunique()
    assert len(ds.articles) == stances["Body ID"].nunique()
    bodies = pd.read_csv(BODIES).set_index("Body ID")["articleBody"]
    headline, body = stances.loc[0, "Headline"], bodies[stances.loc[0, "Body ID"]]
    first = ds.relations[fnc1.pair_id(headline, body)]
    assert first.label == stances.loc[0, "Stance"]
    assert ds.claims[first.claim_id].text == headline
    assert first.other_article_id == fnc1.body_id(body)
    assert ds.articles[first.other_article_id].text == body
    assert ds.cluster_of(first) == first.other_article_id


@pytest.mark.parametrize(("train_name", "dev_name"), [("train", "dev"), ("train-body", "dev-body")])
def test_splits_are_disjoint_and_have_their_own_checksums(train_name: str, dev_name: str) -> None:
    train, dev, whole = (fnc1.load(BODIES, STANCES, split=s) for s in (train_name, dev_name, "all"))
    assert not set(train.articles) & set(dev.articles)
    assert {r.label for r in train.relations.values()} <= {r.label for r in whole.relations.values()}
    assert len(train.relations) + len(dev.relations) <= len(whole.relations)
    assert len({train.checksum, dev.checksum, whole.checksum}) == 3


def test_default_split_is_disjoint_in_headlines_too() -> None:
    train, dev = (fnc1.load(BODIES, STANCES, split=s) for s in ("train", "dev"))
    assert dev.relations
    assert train.relations
    assert not set(train.claims) & set(dev.claims)
    related = lambda ds: sum(r.label != "unrelated" for r in ds.relations.values())  # noqa: E731
    whole = fnc1.load(BODIES, STANCES)
    assert related(train) + related(dev) == related(whole)  # related pairs never cross the split


def test_ids_come_from_text_not_from_rows(tmp_path: Path) -> None:
    """Two files numbering their rows alike share no id unless they share the text."""
    bodies = pd.read_csv(BODIES)
    stances = pd.read_csv(STANCES)
    other_bodies = bodies.assign(articleBody=bodies["articleBody"] + " (another file)")
    other_stances = stances.assign(Headline=stances["Headline"] + " (another file)")
    other_bodies.to_csv(tmp_path / "b.csv", index=False)
    other_stances.to_csv(tmp_path / "s.csv", index=False)
    first, second = fnc1.load(BODIES, STANCES), fnc1.load(tmp_path / "b.csv", tmp_path / "s.csv")
    for kind in ("relations", "claims", "articles"):
        assert not set(getattr(first, kind)) & set(getattr(second, kind)), kind
    stances.iloc[::-1].to_csv(tmp_path / "reordered.csv", index=False)  # same texts, other rows
    again = fnc1.load(BODIES, tmp_path / "reordered.csv")
    assert set(again.relations) == set(first.relations)


def test_repeated_pairs_get_distinct_ids(tmp_path: Path) -> None:
    stances = pd.read_csv(STANCES)
    pd.concat([stances, stances.iloc[:3]]).to_csv(tmp_path / "s.csv", index=False)
    ds = fnc1.load(BODIES, tmp_path / "s.csv")
    assert len(ds.relations) == len(stances) + 3


def test_convert_writes_a_dataset_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "fnc1-sample"
    result = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "convert", "fnc1", "--bodies", str(BODIES), "--stances",
         str(STANCES), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}: fnc1 v1.0.0")
    again = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "validate", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stdout
    assert load_dataset(out).relations == fnc1.load(BODIES, STANCES).relations


def test_save_refuses_to_overwrite_and_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "x"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="--force"):
        save(fnc1.load(BODIES, STANCES), out)
    assert list(tmp_path.iterdir()) == [out]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_bad_files_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FNC1DataError, match="not found"):
        fnc1.load(tmp_path / "none.csv", STANCES)
    broken = tmp_path / "stances.csv"
    broken.write_text("Headline,Body ID,Stance\nA headline,999999,agree\n")
    with pytest.raises(FNC1DataError, match="absent from"):
        fnc1.load(BODIES, broken)
    with pytest.raises(ValueError, match="split"):
        fnc1.load(BODIES, STANCES, split="test")


@requires_fnc1()
def test_full_training_data_split_matches_fnc1_proportions() -> None:
    dev = fnc1.load(FNC1_DIR / "train_bodies.csv", FNC1_DIR / "train_stances.csv", split="dev-body")
    assert len(dev.articles) == 337  # 20% of 1,683 bodies
    assert 9_000 < len(dev.relations) < 11_000


def test_the_official_protocol_spec_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """benchmarks/fnc1-official.toml: fit on train files, score test files from FNC1_TEST_DIR (samples here).

    The stand-in test files reuse the train sample's Body IDs and row numbers, which ids made from numbers
    would have taken for a leak; one of their headlines occurs in the train sample with another body.
    """
    from claimbench.checkers.registry import discover
    from claimbench.run.runner import run
    from claimbench.run.spec import SpecError, load_spec

    official = Path(__file__).resolve().parents[1] / "benchmarks" / "fnc1-official.toml"
    monkeypatch.delenv("FNC1_TEST_DIR", raising=False)
    with pytest.raises(SpecError, match="FNC1_TEST_DIR is not set"):
        load_spec(official, registry=discover())
    monkeypatch.setenv("FNC1_TEST_DIR", str(Path(__file__).parent / "data" / "fnc1_test_sample"))
    monkeypatch.setenv("FNC1_DIR", str(SAMPLE))
    spec = load_spec(official, registry=discover()).with_overrides(output=tmp_path / "out")
    report = run(spec, progress=False)
    test_rows = pd.read_csv(
        Path(__file__).parent / "data" / "fnc1_test_sample" / "competition_test_stances.csv"
    )
    assert {s.checker for s in report.scores} == {"stance-learned", "stance-rules", "majority"}
    assert all(s.n_items == len(test_rows) and s.n_errors == 0 for s in report.scores)
    by_checker = {c.checker: c for c in report.contamination}
    assert set(by_checker) == {"stance-learned", "majority"}
    assert (by_checker["stance-learned"].items, by_checker["stance-learned"].shared) == (len(test_rows), 1)
