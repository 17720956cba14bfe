"""Export a dataset for use outside claimbench: a JSONL copy, Parquet tables, or a Hugging Face folder.

* ``jsonl``: the dataset directory as it is (data files byte for byte, ``manifest.json`` and the
  documentation beside them), so ``claimbench.load_dataset`` reads it back and its checksums still hold.
* ``parquet``: one Parquet file per table of :meth:`Dataset.to_frame` (articles, claims, relations,
  quantities) for pandas/Arrow users, plus ``export.json`` saying which dataset version they come from.
  Needs pyarrow: ``pip install pyarrow``.
* ``hf``: a folder that ``datasets.load_dataset(DIR)`` reads: every record file under ``data/`` and a
  dataset card ``README.md`` whose YAML front matter declares one config per table (``configs`` with
  ``data_files``), the licence, language, task categories and the features of each table. The data files
  are Parquet with an explicit schema (full records, nested fields included), not JSON Lines: the
  ``datasets`` JSON loader lets Arrow infer types and turns date strings such as ``2016-10-18`` into
  timestamps, so a JSONL folder would not read back the same records. Needs pyarrow, as ``datasets``
  itself does.

Every export is written into a temporary directory beside ``out_dir`` that is renamed into place at the
end, so a failed export leaves nothing half-written behind.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from claimbench._io import atomic_path, write_text
from claimbench.data.dataset import Dataset
from claimbench.data.layout import FILE_KINDS, MANIFEST
from claimbench.data.outdir import (
    check_replaceable,
    dataset_dir_problem,
    new_dir_beside,
    others_problem,
    replace_dir,
)
from claimbench.data.schema import load_schema
from claimbench.errors import ClaimbenchError
from claimbench.publish.cite import bibtex, dataset_citation, to_yaml
from claimbench.publish.croissant import json_type, keys_present, resolve_ref, values_of
from claimbench.records import to_json

FORMATS: tuple[str, ...] = ("jsonl", "parquet", "hf")
Table = Literal["articles", "claims", "relations", "quantities"]
TABLES: tuple[Table, ...] = ("articles", "claims", "relations", "quantities")
"""The Parquet tables, one file each: the kinds of :meth:`Dataset.to_frame`."""
DOCS: tuple[str, ...] = ("DATASHEET.md", "CHANGELOG.md", "GUIDELINES.md", "README.md", "croissant.json")
"""Documentation files carried along with a dataset's data when present."""
HF_SPLIT = "test"
"""The split every record is in: claimbench datasets are evaluation data."""
_HF_DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool", "string": "string"}


class ExportError(ClaimbenchError, RuntimeError):
    """An export could not be made (a missing optional dependency).

    An output directory that may not be written raises :class:`claimbench.data.outdir.OutputError`.
    """


def export_dataset(ds: Dataset, fmt: str, out_dir: str | Path, *, overwrite: bool = False) -> Path:
    """Export ``ds`` as ``fmt`` (one of :data:`FORMATS`) into the directory ``out_dir``; returns it.

    ``out_dir`` must not exist or be empty, unless ``overwrite`` is set, in which case it is replaced
    whole, if it is a dataset or an export claimbench wrote and holds nothing else
    (:func:`claimbench.data.outdir.check_replaceable`; otherwise
    :class:`~claimbench.data.outdir.OutputError`).
    Nothing is left at ``out_dir`` (or beside it) when the export fails.
    """
    writers: Mapping[str, Callable[[Dataset, Path], None]] = {
        "jsonl": _write_jsonl,
        "parquet": _write_parquet,
        "hf": _write_hf,
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("parquet", "hf"):
        _require_pyarrow(fmt)
    out = Path(out_dir)
    check_replaceable(out, inputs=(ds.path,), owned=_export_problem, force=overwrite)
    tmp = new_dir_beside(out)
    try:
        writers[fmt](ds, tmp)
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _export_problem(root: Path) -> str | None:
    """Why ``root`` is not an export this module wrote (holding nothing else), or ``None``."""
    if (root / MANIFEST).is_file():  # jsonl: a dataset directory with its documentation
        return dataset_dir_problem(root, DOCS)
    provenance = root / "export.json"
    if provenance.is_file():  # parquet
        try:
            data = json.loads(provenance.read_text(encoding="utf-8"))
            own = ["export.json", *_DOCS_BESIDE_PARQUET, *(t["path"] for t in data["tables"].values())]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return "its export.json is not one claimbench wrote"
        return others_problem(root, own)
    card = root / "README.md"
    if card.is_file() and _HF_MARK in card.read_text(encoding="utf-8", errors="replace")[:_HF_SNIFF]:
        own = ["README.md", *_DOCS_BESIDE_PARQUET, *(f"data/{key}.parquet" for key in FILE_KINDS)]
        return others_problem(root, own)
    return "it is not a dataset or an export claimbench wrote"


_HF_MARK = "Exported by `claimbench export "
"""What every dataset card :func:`hf_card` writes says near its top."""
_HF_SNIFF = 1 << 20


def _copy_docs(ds: Dataset, out: Path, names: tuple[str, ...] = DOCS) -> None:
    for name in names:
        if (ds.path / name).is_file():
            shutil.copyfile(ds.path / name, out / name)


_DOCS_BESIDE_PARQUET = tuple(n for n in DOCS if n not in ("README.md", "croissant.json"))
"""What a Parquet or HF export carries: not croissant.json (it describes the JSONL files), nor README.md
(the HF card takes its place)."""


def _write_jsonl(ds: Dataset, out: Path) -> None:
    for entry in ds.manifest["files"].values():
        target = out / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            shutil.copyfile(ds.path / entry["path"], tmp)
    with atomic_path(out / MANIFEST) as tmp:
        shutil.copyfile(ds.path / MANIFEST, tmp)
    _copy_docs(ds, out)


def _require_pyarrow(fmt: str) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ExportError(
            f"the {fmt} export writes Parquet and needs pyarrow, which is not installed: pip install pyarrow"
        ) from None


def _provenance(ds: Dataset, fmt: str, tables: Mapping[str, Mapping[str, Any]]) -> str:
    from claimbench import __version__

    data = {
        "dataset": ds.id,
        "version": ds.version,
        "checksum": ds.checksum,
        "source_files": {e["path"]: e["sha256"] for _, e in sorted(ds.manifest["files"].items())},
        "format": fmt,
        "tables": dict(tables),
        "claimbench": __version__,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _write_parquet(ds: Dataset, out: Path) -> None:
    tables: dict[str, dict[str, Any]] = {}
    for kind in TABLES:
        frame = ds.to_frame(kind)
        for column in frame.columns:
            frame[column] = [list(v) if isinstance(v, tuple) else v for v in frame[column]]
        name = f"{kind}.parquet"
        with atomic_path(out / name) as tmp:
            frame.to_parquet(tmp, index=False, engine="pyarrow")
        tables[kind] = {"path": name, "rows": len(frame)}
    write_text(out / "export.json", _provenance(ds, "parquet", tables))
    _copy_docs(ds, out, _DOCS_BESIDE_PARQUET)


# --------------------------------------------------------------------------------------------------------
# Hugging Face


def _hf_feature(
    name: str, schema: Mapping[str, Any], defs: Mapping[str, Any], values: list[Any]
) -> dict[str, Any]:
    """One entry of a ``dataset_info.features`` list, in the Hugging Face YAML form."""
    resolved = resolve_ref(schema, defs)
    kind = json_type(resolved)
    if kind == "array":
        items = resolved.get("items")
        if not isinstance(items, Mapping):  # a span: [start, end]
            return {"name": name, "list": "int64"}
        item = resolve_ref(items, defs)
        if json_type(item) == "object":
            return {"name": name, "list": _hf_fields(item, defs, values)}
        return {"name": name, "list": _HF_DTYPES.get(json_type(item) or "string", "string")}
    if kind == "object":
        return {"name": name, "struct": _hf_fields(resolved, defs, values)}
    return {"name": name, "dtype": _HF_DTYPES.get(kind or "string", "string")}


def _hf_fields(obj: Mapping[str, Any], defs: Mapping[str, Any], values: list[Any]) -> list[dict[str, Any]]:
    """The features of an object schema's properties that occur in ``values`` (the objects' values)."""
    present = keys_present(values)
    return [
        _hf_feature(k, s, defs, values_of(values, k))
        for k, s in obj.get("properties", {}).items()
        if k in present
    ]


def _hf_license(spdx: str) -> str:
    return spdx.lower()


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "100K<n<1M"


def hf_records(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The records of each Hugging Face config (claims, relations, articles) as JSON objects."""
    records: dict[str, list[dict[str, Any]]] = {}
    for key, group in (("claims", ds.claims), ("relations", ds.relations), ("articles", ds.articles)):
        if key in ds.manifest["files"]:
            records[key] = [to_json(r) for r in group.values()]
    return records


def hf_features(key: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``dataset_info.features`` of one config: its schema's properties that occur in ``rows``."""
    schema = load_schema(FILE_KINDS[key])
    defs = schema.get("$defs", {})
    present = {k for r in rows for k in r}
    return [
        _hf_feature(name, prop, defs, [r[name] for r in rows if name in r])
        for name, prop in schema["properties"].items()
        if name in present
    ]


def _arrow_type(feature: Mapping[str, Any]) -> Any:
    """The Arrow type of one Hugging Face feature entry (as :func:`_hf_feature` writes them)."""
    import pyarrow as pa

    scalars = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}

    def inner(spec: Any) -> Any:
        if isinstance(spec, str):
            return scalars[spec]
        return pa.struct([pa.field(f["name"], _arrow_type(f)) for f in spec])

    if "dtype" in feature:
        return scalars[feature["dtype"]]
    if "struct" in feature:
        return inner(feature["struct"])
    return pa.list_(inner(feature["list"]))


def hf_card(
    ds: Dataset, records: Mapping[str, list[dict[str, Any]]], sizes: Mapping[str, int] | None = None
) -> str:
    """The dataset card (``README.md``): YAML front matter for the Hub and loaders, then prose.

    ``sizes`` are the data files' sizes in bytes (the splits' ``num_bytes``).
    """
    m = ds.manifest
    sizes = sizes or {}
    configs: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []
    for i, (key, rows) in enumerate(records.items()):
        config: dict[str, Any] = {
            "config_name": key,
            "data_files": [{"split": HF_SPLIT, "path": f"data/{key}.parquet"}],
        }
        if i == 0:
            config["default"] = True
        configs.append(config)
        split = {"name": HF_SPLIT, "num_bytes": sizes.get(key, 0), "num_examples": len(rows)}
        infos.append({"config_name": key, "features": hf_features(key, rows), "splits": [split]})
    annotations = m["licence"]["annotations"]
    languages = sorted({a.language for a in ds.articles.values()}) or ["en"]
    front: dict[str, Any] = {
        "pretty_name": m["title"],
        "language": languages,
        "license": "other",
        "license_name": f"annotations-{_hf_license(annotations).replace('.', '-')}-text-see-card",
        "license_details": f"Annotations: {annotations}. Source text: {m['licence']['text']}",
        "task_categories": ["text-classification"],
        "task_ids": ["fact-checking", "multi-class-classification"],
        "multilinguality": ["monolingual"],
        "size_categories": [_size_category(len(ds.claims))],
        "source_datasets": ["original"],
        "tags": ["claims", "news", "numeric-consistency", "stance-detection", "claimbench"],
        "configs": configs,
        "dataset_info": infos,
    }
    citation = bibtex(dataset_citation(ds))
    counts = ", ".join(f"{len(rows)} {key}" for key, rows in records.items())
    tables = "\n".join(
        f"- `{key}` (`data/{key}.parquet`): {load_schema(FILE_KINDS[key]).get('description', '')}"
        for key in records
    )
    first = next(iter(records), "claims")
    body = f"""# {m["title"]}

{m["description"]}

Exported by `claimbench export {ds.id} --format hf` from **{ds.id} v{ds.version}**
(data checksum `{ds.checksum}`): {counts}.

## Loading

```python
import datasets

{first} = datasets.load_dataset("path/to/this/folder", "{first}", split="{HF_SPLIT}")
```

One config per record file; every record is in the `{HF_SPLIT}` split (this is evaluation data).

{tables}

Spans are `[start, end)` Unicode code-point offsets into the article text. Every field is described in
claimbench's JSON Schemas (`schemas/*.schema.json`); the annotation procedure is in `GUIDELINES.md` and the
datasheet in `DATASHEET.md`, where present. The data files are Parquet, not JSON Lines, because the
`datasets` JSON loader turns ISO dates such as `2016-10-18` into timestamps (`2016-10-18 00:00:00`).

## Licence

- Annotations: {annotations}.
- Source text: {m["licence"]["text"]}

## Citation

```bibtex
{citation.rstrip()}
```
"""
    return f"---\n{to_yaml(front)}---\n\n{body}"


def _write_hf(ds: Dataset, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = hf_records(ds)
    (out / "data").mkdir()
    sizes: dict[str, int] = {}
    for key, rows in records.items():
        schema = pa.schema([pa.field(f["name"], _arrow_type(f)) for f in hf_features(key, rows)])
        path = out / "data" / f"{key}.parquet"
        with atomic_path(path) as tmp:
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
        sizes[key] = path.stat().st_size
    write_text(out / "README.md", hf_card(ds, records, sizes))
    _copy_docs(ds, out, _DOCS_BESIDE_PARQUET)
