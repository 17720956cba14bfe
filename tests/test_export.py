"""Exports round-trip: JSONL copy → load_dataset, Parquet → pandas, Hugging Face folder → its data files."""

from __future__ import annotations

import builtins
import json
import os
from pathlib import Path
from typing import Any

import pytest

from claimbench.cli import main
from claimbench.data.dataset import Dataset, load_dataset
from claimbench.data.outdir import OutputError
from claimbench.publish.export import HF_SPLIT, TABLES, ExportError, export_dataset
from claimbench.records import article_from_json, claim_from_json, relation_from_json, to_json

ROOT = Path(__file__).resolve().parents[1]
MOSUL = ROOT / "datasets" / "mosul-2016"


def _drop_none(value: Any) -> Any:
    """Arrow fills absent keys with null; claimbench's JSON leaves them out."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Cells read back from Parquet (numpy arrays, NaN) in the form ``to_frame`` gives them."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def _rows(frame: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _same_records(a: Dataset, b: Dataset) -> None:
    assert a.articles == b.articles
    assert a.claims == b.claims
    assert a.relations == b.relations


def test_jsonl_round_trip(tiny_dataset: Path, tmp_path: Path) -> None:
    ds = load_dataset(tiny_dataset)
    out = export_dataset(ds, "jsonl", tmp_path / "out")
    back = load_dataset(out)
    _same_records(ds, back)
    assert back.checksum == ds.checksum
    assert back.manifest == ds.manifest
    mask = os.umask(0)
    os.umask(mask)
    modes = {p.stat().st_mode & 0o777 for p in [out, *out.iterdir()]}
    assert modes <= {0o777 & ~mask, 0o666 & ~mask}


def test_jsonl_export_of_mosul_carries_its_documentation(tmp_path: Path) -> None:
    ds = load_dataset(MOSUL)
    out = export_dataset(ds, "jsonl", tmp_path / "mosul")
    _same_records(ds, load_dataset(out))
    for name in ("DATASHEET.md", "CHANGELOG.md", "GUIDELINES.md", "croissant.json"):
        assert (out / name).read_bytes() == (MOSUL / name).read_bytes()


def test_parquet_round_trip(tiny_dataset: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="Parquet export needs pyarrow: pip install pyarrow")
    import pandas as pd

    ds = load_dataset(tiny_dataset)
    out = export_dataset(ds, "parquet", tmp_path / "out")
    info = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert info["dataset"] == "tiny"
    assert info["version"] == ds.version
    assert info["checksum"] == ds.checksum
    for kind in TABLES:
        back = pd.read_parquet(out / f"{kind}.parquet")
        expected = ds.to_frame(kind)
        assert list(back.columns) == list(expected.columns), kind
        assert _rows(back) == _rows(expected), kind
        assert info["tables"][kind] == {"path": f"{kind}.parquet", "rows": len(expected)}


def test_parquet_without_pyarrow_says_how_to_install(
    tiny_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    for fmt in ("parquet", "hf"):
        with pytest.raises(ExportError, match=r"needs pyarrow, which is not installed: pip install pyarrow"):
            export_dataset(load_dataset(tiny_dataset), fmt, tmp_path / "out")
    assert list(tmp_path.iterdir()) == [tiny_dataset]


def test_hf_folder_layout_card_and_records(tiny_dataset: Path, tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    pq = pytest.importorskip("pyarrow.parquet")
    ds = load_dataset(tiny_dataset)
    out = export_dataset(ds, "hf", tmp_path / "hf")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "README.md",
        "data/articles.parquet",
        "data/claims.parquet",
        "data/relations.parquet",
    ]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n")
    front_text, body = card[4:].split("\n---\n", 1)
    front = yaml.safe_load(front_text)
    for key in ("configs", "license", "language", "task_categories", "pretty_name", "dataset_info"):
        assert key in front, key
    assert front["pretty_name"] == "A tiny dataset"
    assert front["language"] == ["en"]
    assert front["license"] == "other"
    assert "CC0-1.0" in front["license_details"]
    assert [c["config_name"] for c in front["configs"]] == ["claims", "relations", "articles"]
    assert front["configs"][0]["default"] is True
    assert "@misc{tiny_v1_0_0," in body

    expected = {"claims": ds.claims, "relations": ds.relations, "articles": ds.articles}
    build = {"claims": claim_from_json, "relations": relation_from_json, "articles": article_from_json}
    infos = {i["config_name"]: i for i in front["dataset_info"]}
    for config in front["configs"]:
        key = config["config_name"]
        (files,) = config["data_files"]
        assert files["split"] == HF_SPLIT
        rows = [_drop_none(r) for r in pq.read_table(out / files["path"]).to_pylist()]
        assert rows == [to_json(r) for r in expected[key].values()], key
        assert {r["id"]: build[key](r) for r in rows} == expected[key]
        names = [f["name"] for f in infos[key]["features"]]
        assert names == list(pq.read_schema(out / files["path"]).names)
        assert infos[key]["splits"] == [
            {"name": HF_SPLIT, "num_bytes": (out / files["path"]).stat().st_size, "num_examples": len(rows)}
        ]


def test_hf_export_of_mosul_keeps_dates_and_every_record(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    ds = load_dataset(MOSUL)
    out = export_dataset(ds, "hf", tmp_path / "hf")
    claims = [_drop_none(r) for r in pq.read_table(out / "data" / "claims.parquet").to_pylist()]
    assert {r["id"]: claim_from_json(r) for r in claims} == dict(ds.claims)
    (article,) = pq.read_table(out / "data" / "articles.parquet").to_pylist()
    assert article["published"] == "2016-10-18"
    assert (out / "DATASHEET.md").is_file()


def test_hf_folder_loads_with_datasets(
    tiny_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    datasets = pytest.importorskip("datasets", reason="Hugging Face `datasets` is not installed (optional)")
    if not hasattr(datasets, "load_dataset"):  # only the repository's datasets/ directory was found
        pytest.skip("Hugging Face `datasets` is not installed (optional)")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    ds = load_dataset(tiny_dataset)
    out = export_dataset(ds, "hf", tmp_path / "hf")
    loaded = datasets.load_dataset(str(out), "claims", split=HF_SPLIT, cache_dir=str(tmp_path / "cache"))
    assert [_drop_none(r) for r in loaded] == [to_json(c) for c in ds.claims.values()]


def test_a_failed_export_leaves_nothing(
    tiny_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimbench.publish.export as export

    def broken(ds: Dataset, out: Path) -> None:
        (out / "half-written.jsonl").write_text("{", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(export, "_copy_docs", broken)
    with pytest.raises(OSError, match="disk full"):
        export_dataset(load_dataset(tiny_dataset), "jsonl", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]


def test_an_occupied_directory_is_kept_even_with_force(tiny_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    ds = load_dataset(tiny_dataset)
    with pytest.raises(OutputError, match="not empty; pass --force"):
        export_dataset(ds, "jsonl", out)
    with pytest.raises(OutputError, match="not a dataset or an export claimbench wrote"):
        export_dataset(ds, "jsonl", out, overwrite=True)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny"]


@pytest.mark.parametrize("first", ["jsonl", "parquet", "hf"])
def test_force_replaces_an_earlier_export(first: str, tiny_dataset: Path, tmp_path: Path) -> None:
    if first != "jsonl":
        pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    ds = load_dataset(tiny_dataset)
    export_dataset(ds, first, out)
    export_dataset(ds, "jsonl", out, overwrite=True)
    _same_records(ds, load_dataset(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny"]
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # no longer only what claimbench wrote
    with pytest.raises(OutputError, match=r"did not write there: notes\.txt"):
        export_dataset(ds, "jsonl", out, overwrite=True)
    assert (out / "notes.txt").exists()


def test_unknown_format(tiny_dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_dataset(load_dataset(tiny_dataset), "csv", tmp_path / "out")


def test_cli_export(tiny_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["export", str(tiny_dataset), "--format", "jsonl", "--out", str(out)]) == 0
    assert "tiny v1.0.0 as jsonl" in capsys.readouterr().out
    assert main(["export", str(tiny_dataset), "--format", "jsonl", "--out", str(out)]) == 2
    assert "not empty; pass --force" in capsys.readouterr().err
    assert main(["export", str(tiny_dataset), "-f", "jsonl", "-o", str(out), "--force"]) == 0
    assert main(["export", "no-such-set", "-f", "jsonl", "-o", str(tmp_path / "x")]) == 2
