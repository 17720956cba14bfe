"""Croissant 1.0 metadata (MLCommons) for a dataset, generated from its manifest, schemas and data.

Croissant is the JSON-LD description that dataset search engines, ML loaders and the NeurIPS datasets
track read: what the dataset is (name, licence, version, how to cite it), which files it has (with
SHA-256 checksums), and how records and their fields are laid out in those files. Everything here is
derived, never typed: dataset-level properties from ``manifest.json``, file objects from the manifest's
file list, and fields from the record JSON Schemas in ``schemas/`` (with their descriptions), restricted
to the properties that actually occur in the data. ``croissant.json`` beside the data is written by
``claimbench croissant DATASET --write``, and a test fails when it drifts from what this module generates.

:func:`croissant_problems` checks the properties the Croissant 1.0 specification requires, without
network or extra packages; where ``mlcroissant`` is installed the tests also load the file with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from claimbench._io import write_text
from claimbench.data.dataset import Dataset
from claimbench.data.layout import FILE_KINDS
from claimbench.data.schema import load_schema
from claimbench.publish.cite import bibtex, dataset_citation, is_collective

CROISSANT = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
ENCODING_FORMAT = "application/jsonlines"

CONTEXT: Mapping[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The JSON-LD ``@context`` of Croissant 1.0 as the reference implementation (mlcroissant) and the official
1.0 example datasets write it (the specification's Appendix 1 predates the ``cr:`` prefix)."""

REQUIRED_DATASET = ("@context", "@type", "conformsTo", "name", "description", "license", "url")
"""Dataset properties the Croissant 1.0 specification requires (``creator`` and ``datePublished`` are
required by its latest text and recommended by the first; :func:`croissant_problems` checks them too)."""

_FOREIGN_KEYS: Mapping[tuple[str, str], str] = {
    ("claims", "article_id"): "articles/id",
    ("relations", "claim_id"): "claims/id",
    ("relations", "other_claim_id"): "claims/id",
    ("relations", "other_article_id"): "articles/id",
}
"""Foreign keys between record sets, stated in the fields' descriptions ("References claims/id.").

They are not declared as Croissant ``references``: mlcroissant (1.1) turns references into joins and
then generates wrong records (a record set read after a referencing one comes back multiplied) or fails,
so declaring them would make the reference loader misread this dataset."""

_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _licence_url(spdx: str) -> str:
    return f"https://spdx.org/licenses/{spdx}.html"


def _read_records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def resolve_ref(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    """A JSON Schema with ``$ref`` followed and the non-null branch of ``oneOf`` (nullable spans) taken."""
    if "$ref" in schema:
        return resolve_ref(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "oneOf" in schema:
        branches = [b for b in schema["oneOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            return {**resolve_ref(branches[0], defs), **{k: v for k, v in schema.items() if k != "oneOf"}}
    return schema


def json_type(schema: Mapping[str, Any]) -> str | None:
    """The JSON type a (resolved) schema allows besides ``null``, if it names one."""
    kind = schema.get("type")
    if isinstance(kind, list):
        rest = [k for k in kind if k != "null"]
        return str(rest[0]) if rest else None
    return str(kind) if kind is not None else None


def _data_type(schema: Mapping[str, Any]) -> str:
    kind = json_type(schema)
    if kind == "integer":
        return "sc:Integer"
    if kind == "number":
        return "sc:Float"
    if kind == "boolean":
        return "sc:Boolean"
    if kind == "string" and schema.get("pattern") == _DATE_PATTERN:
        return "sc:Date"
    return "sc:Text"


def keys_present(values: Iterable[Any]) -> set[str]:
    """Keys that occur in any of ``values`` (dicts, or lists of dicts)."""
    keys: set[str] = set()
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                keys.update(item)
    return keys


def _field(
    record_set: str,
    file_id: str,
    name: str,
    schema: Mapping[str, Any],
    defs: Mapping[str, Any],
    values: list[Any],
    parent: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One ``cr:Field`` for property ``name`` (nested under ``parent``), described by its JSON Schema."""
    resolved = resolve_ref(schema, defs)
    path = (*parent, name)
    description = schema.get("description") or resolved.get("description")
    field: dict[str, Any] = {"@type": "cr:Field", "@id": "/".join((record_set, *path)), "name": name}
    if description:
        field["description"] = description
    source: dict[str, Any] = {"fileObject": {"@id": file_id}, "extract": {"column": path[0]}}
    if len(path) > 1:
        source["transform"] = {"jsonPath": ".".join(path[1:])}
    kind = json_type(resolved)
    item_schema: Mapping[str, Any]
    if kind == "array":
        field["repeated"] = True
        items = resolved.get("items")
        if isinstance(items, Mapping):
            item_schema = resolve_ref(items, defs)
        else:  # a span: a fixed-length tuple of integers
            item_schema = resolve_ref(resolved.get("prefixItems", [{"type": "integer"}])[0], defs)
    else:
        item_schema = resolved
    if json_type(item_schema) == "object":
        present = keys_present(values)
        subs = [
            _field(record_set, file_id, sub, sub_schema, defs, values_of(values, sub), path)
            for sub, sub_schema in item_schema.get("properties", {}).items()
            if sub in present
        ]
        if subs:  # a nested object: its leaves carry the sources and data types
            field["subField"] = subs
            return field
        item_schema = {"type": "string"}  # an object with no known keys: describe it as text
    field["dataType"] = _data_type(item_schema)
    field["source"] = source
    return field


def values_of(values: list[Any], key: str) -> list[Any]:
    """The values under ``key`` of ``values`` (dicts, or lists of dicts), where present."""
    out: list[Any] = []
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and key in item:
                out.append(item[key])
    return out


def _record_set(ds: Dataset, key: str, file_id: str) -> dict[str, Any]:
    kind = FILE_KINDS[key]
    schema = load_schema(kind)
    defs = schema.get("$defs", {})
    records = _read_records(ds.path / ds.manifest["files"][key]["path"])
    present = keys_present(records)
    fields = [
        _field(key, file_id, name, prop, defs, [r[name] for r in records if name in r])
        for name, prop in schema["properties"].items()
        if name in present
    ]
    for field in fields:
        target = _FOREIGN_KEYS.get((key, field["name"]))
        if target and target.split("/")[0] in ds.manifest["files"]:
            field["description"] = f"{field.get('description', '')} References {target}.".strip()
    return {
        "@type": "cr:RecordSet",
        "@id": key,
        "name": key,
        "description": schema.get("description", ""),
        "key": {"@id": f"{key}/id"},
        "field": fields,
    }


def _person_or_org(name: str) -> dict[str, str]:
    return {"@type": "sc:Organization" if is_collective(name) else "sc:Person", "name": name}


def build_croissant(ds: Dataset) -> dict[str, Any]:
    """The Croissant 1.0 JSON-LD document of ``ds``."""
    m = ds.manifest
    cit = m["citation"]
    citation = dataset_citation(ds)
    licences: list[Any] = []
    annotations = m["licence"]["annotations"]
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.+-]*", annotations):
        licences.append(_licence_url(annotations))
    else:
        licences.append({"@type": "sc:CreativeWork", "name": "Annotations", "description": annotations})
    licences.append({"@type": "sc:CreativeWork", "name": "Source text", "description": m["licence"]["text"]})
    doc: dict[str, Any] = {
        "@context": dict(CONTEXT),
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": ds.id,
        "alternateName": m["title"],
        "description": m["description"],
        "license": licences,
    }
    url = cit.get("url") or (f"https://doi.org/{cit['doi']}" if cit.get("doi") else None)
    if url:
        doc["url"] = url
    if cit.get("doi"):
        doc["identifier"] = f"https://doi.org/{cit['doi']}"
    doc["version"] = ds.version
    doc["datePublished"] = m.get("created") or str(cit["year"])
    doc["creator"] = [_person_or_org(a) for a in cit["authors"]]
    doc["citeAs"] = bibtex(citation)
    languages = sorted({a.language for a in ds.articles.values()})
    if languages:
        doc["inLanguage"] = languages[0] if len(languages) == 1 else languages
    doc["keywords"] = ["fact-checking", "claim detection", "numeric consistency", "stance detection", "news"]
    if cit.get("sources"):
        doc["isBasedOn"] = [{"@type": "sc:CreativeWork", "name": source} for source in cit["sources"]]
    distribution: list[dict[str, Any]] = []
    record_sets: list[dict[str, Any]] = []
    for key in FILE_KINDS:
        entry = m["files"].get(key)
        if entry is None:
            continue
        path = ds.path / entry["path"]
        file_id = entry["path"]
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": file_id,
                "name": entry["path"],
                "description": f"The {key}, one JSON object per line ({FILE_KINDS[key]}.schema.json).",
                "contentUrl": entry["path"],
                "contentSize": f"{path.stat().st_size} B",
                "encodingFormat": ENCODING_FORMAT,
                "sha256": entry["sha256"],
            }
        )
        record_sets.append(_record_set(ds, key, file_id))
    doc["distribution"] = distribution
    doc["recordSet"] = record_sets
    return doc


def render_croissant(ds: Dataset) -> str:
    """:func:`build_croissant` as the text of ``croissant.json`` (2-space indent, trailing newline)."""
    return json.dumps(build_croissant(ds), indent=2, ensure_ascii=False) + "\n"


def croissant_path(ds: Dataset) -> Path:
    """Where a dataset's Croissant file lives: ``croissant.json`` in its directory."""
    return ds.path / CROISSANT


def write_croissant(ds: Dataset, path: Path | None = None) -> Path:
    """Write ``croissant.json`` for ``ds`` atomically; returns its path."""
    path = path or croissant_path(ds)
    write_text(path, render_croissant(ds))
    return path


def croissant_problems(doc: Mapping[str, Any]) -> list[str]:
    """What a Croissant 1.0 document lacks of the specification's requirements (empty when none).

    Checks the required dataset properties and context, the conformance URI, that every FileObject has
    ``contentUrl``, ``encodingFormat`` and a SHA-256, that every RecordSet and Field has an ``@id``, and
    that each field's ``source`` names a FileObject of the distribution and each ``references`` a field.
    """
    problems: list[str] = []
    for prop in (*REQUIRED_DATASET, "creator", "datePublished"):
        if not doc.get(prop):
            problems.append(f"$: missing required property {prop!r}")
    context = doc.get("@context")
    if isinstance(context, Mapping):
        for term, value in CONTEXT.items():
            if context.get(term) != value:
                problems.append(f"$.@context: {term!r} should be {value!r}, is {context.get(term)!r}")
    if doc.get("@type") not in ("sc:Dataset", "https://schema.org/Dataset"):
        problems.append(f"$.@type: must be sc:Dataset, is {doc.get('@type')!r}")
    if doc.get("conformsTo") != CONFORMS_TO:
        problems.append(f"$.conformsTo: must be {CONFORMS_TO!r}, is {doc.get('conformsTo')!r}")
    files: set[str] = set()
    for i, obj in enumerate(doc.get("distribution", [])):
        where = f"$.distribution[{i}]"
        if obj.get("@type") not in ("cr:FileObject", "cr:FileSet"):
            problems.append(f"{where}.@type: must be cr:FileObject or cr:FileSet")
        for prop in ("@id", "name", "contentUrl", "encodingFormat", "sha256"):
            if obj.get("@type") == "cr:FileObject" and not obj.get(prop):
                problems.append(f"{where}: missing {prop!r}")
        sha = obj.get("sha256", "")
        if obj.get("@type") == "cr:FileObject" and not re.fullmatch(r"[0-9a-f]{64}", str(sha)):
            problems.append(f"{where}.sha256: not a SHA-256 hex digest")
        files.add(str(obj.get("@id")))
    if not doc.get("distribution"):
        problems.append("$: missing 'distribution' (Croissant requires FileObjects or FileSets)")
    field_ids = {f["@id"] for rs in doc.get("recordSet", []) for f in _walk(rs.get("field", []))}
    for i, rs in enumerate(doc.get("recordSet", [])):
        where = f"$.recordSet[{i}]"
        if rs.get("@type") != "cr:RecordSet" or not rs.get("@id") or not rs.get("name"):
            problems.append(f"{where}: needs @type cr:RecordSet, @id and name")
        if not rs.get("field"):
            problems.append(f"{where}: has no fields")
        for field in _walk(rs.get("field", [])):
            fwhere = f"{where} field {field.get('@id')!r}"
            if field.get("@type") != "cr:Field" or not field.get("@id") or not field.get("name"):
                problems.append(f"{fwhere}: needs @type cr:Field, @id and name")
            if not field.get("subField") and not field.get("dataType"):
                problems.append(f"{fwhere}: missing dataType")
            source = field.get("source")
            if source is not None:
                target = source.get("fileObject", {}).get("@id")
                if target not in files:
                    problems.append(f"{fwhere}: source.fileObject {target!r} is not in the distribution")
                extract = source.get("extract", {})
                if not (extract.get("column") or extract.get("jsonPath") or extract.get("fileProperty")):
                    problems.append(f"{fwhere}: source.extract needs column, jsonPath or fileProperty")
            elif not field.get("subField"):
                problems.append(f"{fwhere}: missing source")
            ref = field.get("references", {}).get("field", {}).get("@id")
            if ref is not None and ref not in field_ids:
                problems.append(f"{fwhere}: references unknown field {ref!r}")
    return problems


def _walk(fields: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for field in fields:
        yield field
        yield from _walk(field.get("subField", []))
