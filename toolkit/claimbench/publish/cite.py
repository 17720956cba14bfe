"""Citations: how to cite a dataset (from its manifest) or the toolkit, as BibTeX, CFF, APA or JSON.

A paper has to say exactly which data it used, so every dataset citation carries the dataset's semantic
version (and, in JSON, the checksums of its files). The toolkit's own citation metadata lives here, in
Python, rather than in ``CITATION.cff``: core claimbench then needs no YAML parser, and the repository's
``CITATION.cff`` is *generated* from it (``claimbench cite --format cff > CITATION.cff``) and tested against
it, so the two cannot drift apart.

Datasets are named by path or by id; an id is looked up among the bundled datasets (in the wheel, or the
source checkout's ``datasets/``) and under ``./datasets``, see :func:`resolve_dataset`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from claimbench.data import bundled
from claimbench.data.dataset import Dataset, load_dataset
from claimbench.data.layout import MANIFEST
from claimbench.errors import ClaimbenchError

FORMATS: tuple[str, ...] = ("bibtex", "cff", "apa", "json")
"""Output formats of :func:`format_citation` (and ``claimbench cite --format``)."""

CFF_VERSION = "1.2.0"
"""The Citation File Format version the ``cff`` output (and ``CITATION.cff``) conforms to."""

# The toolkit's citation metadata. Bump TOOLKIT_RELEASED with every release (the version itself comes from
# the installed package metadata, i.e. pyproject.toml), then regenerate CITATION.cff.
TOOLKIT_TITLE = "claimbench"
TOOLKIT_AUTHORS: tuple[str, ...] = ("claimbench contributors",)
TOOLKIT_LICENSE = "MIT"
TOOLKIT_RELEASED = "2026-11-25"
TOOLKIT_ABSTRACT = (
    "An open research toolkit for checking claims in news text: a schema-validated, citable dataset of "
    "annotated news claims, pluggable consistency checkers (numeric sanity, source agreement), and a "
    "benchmark runner that scores them."
)
TOOLKIT_KEYWORDS: tuple[str, ...] = (
    "fact-checking",
    "claims",
    "benchmark",
    "stance detection",
    "FNC-1",
    "numeric consistency",
)
TOOLKIT_REPOSITORY: str | None = None
"""The public repository URL, once there is one (CFF ``repository-code``, BibTeX/APA ``url``)."""

PREFERRED_DATASET = "mosul-2016"
"""The dataset that ``CITATION.cff`` asks users to cite (its ``preferred-citation``)."""

_COLLECTIVE_WORDS = frozenset(
    [
        "contributors",
        "team",
        "group",
        "consortium",
        "project",
        "collaboration",
        "community",
        "lab",
        "laboratory",
        "university",
        "institute",
        "institution",
        "association",
        "foundation",
        "committee",
        "organisation",
        "organization",
        "society",
        "council",
        "agency",
        "ministry",
        "department",
        "centre",
        "center",
        "network",
        "initiative",
        "inc",
        "ltd",
        "llc",
        "gmbh",
    ]
)


class DatasetNotFoundError(ClaimbenchError, LookupError):
    """A dataset name is neither a dataset directory nor the id of a known dataset (exit code 2)."""

    exit_status = 2


@dataclass(frozen=True)
class Citation:
    """Everything any of the formats needs to cite one dataset or the toolkit.

    ``authors`` are display names; a name is treated as a collective (an organisation, "X contributors")
    or a person by :func:`is_collective`. ``license`` is an SPDX identifier where there is one.
    """

    kind: Literal["dataset", "software"]
    id: str
    title: str
    authors: tuple[str, ...]
    year: int
    version: str | None = None
    date: str | None = None
    url: str | None = None
    doi: str | None = None
    license: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    checksum: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    """Data file path → SHA-256 (datasets only)."""


# --------------------------------------------------------------------------------------------------------
# Finding datasets


def datasets_dirs() -> list[Path]:
    """Where dataset ids are looked up, in order: the bundled datasets, then ``./datasets``.

    The bundled ones are those inside the installed wheel, or the source checkout's ``datasets/`` for an
    editable install (:func:`claimbench.data.bundled.datasets_dir`), so ``claimbench cite mosul-2016`` works
    from any working directory.
    """
    dirs = [bundled.datasets_dir(), Path.cwd() / "datasets"]
    unique: list[Path] = []
    for d in dirs:
        if d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def known_datasets() -> dict[str, Path]:
    """Every dataset id found in :func:`datasets_dirs` (directories with a manifest), first hit wins."""
    found: dict[str, Path] = {}
    for root in datasets_dirs():
        if root.is_dir():
            for manifest in sorted(root.glob(f"*/{MANIFEST}")):
                found.setdefault(manifest.parent.name, manifest.parent)
    return found


def resolve_dataset(name: str | Path) -> Path:
    """The dataset directory ``name`` stands for: an existing path, else an id under :func:`datasets_dirs`.

    Raises :class:`DatasetNotFoundError`, listing the known ids, when it is neither.
    """
    path = Path(name)
    if path.exists():
        return path.parent if path.name == MANIFEST else path
    known = known_datasets()
    if str(name) in known:
        return known[str(name)]
    pending = [d / str(name) for d in datasets_dirs() if (d / str(name)).is_dir()]
    where = ", ".join(str(d) for d in datasets_dirs())
    if pending:
        raise DatasetNotFoundError(
            f"dataset {str(name)!r} at {pending[0]} has no {MANIFEST} yet (not released); "
            "a dataset can be cited or exported once its manifest is written"
        )
    ids = ", ".join(sorted(known)) or "none"
    raise DatasetNotFoundError(
        f"no dataset {str(name)!r}: not a directory, and not a dataset id under {where} (known ids: {ids})"
    )


def load_named_dataset(name: str | Path) -> Dataset:
    """Resolve ``name`` (:func:`resolve_dataset`) and load and validate the dataset."""
    return load_dataset(resolve_dataset(name))


# --------------------------------------------------------------------------------------------------------
# Building citations


def dataset_citation(ds: Dataset) -> Citation:
    """The citation of a dataset, from its manifest's ``citation`` (plus id, version, licence, checksums)."""
    m = ds.manifest
    cit = m["citation"]
    return Citation(
        kind="dataset",
        id=ds.id,
        title=cit["title"],
        authors=tuple(cit["authors"]),
        year=int(cit["year"]),
        version=ds.version,
        date=m.get("created"),
        url=cit.get("url"),
        doi=cit.get("doi"),
        license=m["licence"]["annotations"],
        description=m["description"],
        sources=tuple(cit.get("sources", ())),
        checksum=ds.checksum,
        files={e["path"]: e["sha256"] for _, e in sorted(m["files"].items())},
    )


def toolkit_citation() -> Citation:
    """The citation of the claimbench toolkit itself (the version installed)."""
    from claimbench import __version__

    return Citation(
        kind="software",
        id="claimbench",
        title=TOOLKIT_TITLE,
        authors=TOOLKIT_AUTHORS,
        year=int(TOOLKIT_RELEASED[:4]),
        version=__version__,
        date=TOOLKIT_RELEASED,
        url=TOOLKIT_REPOSITORY,
        license=TOOLKIT_LICENSE,
        description=TOOLKIT_ABSTRACT,
        keywords=TOOLKIT_KEYWORDS,
    )


def preferred_dataset_citation() -> Citation | None:
    """The citation of :data:`PREFERRED_DATASET`, or ``None`` where that dataset is not available."""
    try:
        return dataset_citation(load_named_dataset(PREFERRED_DATASET))
    except (DatasetNotFoundError, ValueError):
        return None


def citation_of(name: str | Path | None) -> Citation:
    """The citation ``claimbench cite [DATASET]`` prints: of a dataset, or of the toolkit when ``None``."""
    return toolkit_citation() if name is None else dataset_citation(load_named_dataset(name))


# --------------------------------------------------------------------------------------------------------
# Names


def is_collective(name: str) -> bool:
    """Whether an author name is a collective (organisation, "X contributors") rather than a person.

    Collective names must not be split into given and family names: BibTeX gets them inside braces, CFF as
    an entity ``name``, APA as written. The rule is a heuristic: a single word, a name starting with "The",
    or a name containing a word such as "contributors", "team", "university" or "institute". "Family, Given"
    is always a person.
    """
    if "," in name:
        return False
    words = re.findall(r"[A-Za-z]+", name.lower())
    return len(name.split()) < 2 or words[:1] == ["the"] or any(w in _COLLECTIVE_WORDS for w in words)


def split_name(name: str) -> tuple[str, str]:
    """(given names, family name) of a person: "Family, Given" or "Given Family" (last word is family)."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return given, family
    parts = name.split()
    return " ".join(parts[:-1]), parts[-1]


# --------------------------------------------------------------------------------------------------------
# BibTeX

_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """Escape the characters BibTeX/LaTeX treat specially (``\\ { } & % $ # _ ~ ^``)."""
    return "".join(_BIBTEX_ESCAPES.get(ch, ch) for ch in text)


def bibtex_key(c: Citation) -> str:
    """A stable citation key: the id and version with every run of other characters made ``_``."""
    raw = f"{c.id}_v{c.version}" if c.version else c.id
    return re.sub(r"[^A-Za-z0-9]+", "_", raw).strip("_")


def _bibtex_author(name: str) -> str:
    escaped = bibtex_escape(name)
    return f"{{{escaped}}}" if is_collective(name) else escaped


def bibtex(c: Citation) -> str:
    """A BibTeX ``@misc`` entry (understood by every BibTeX and biblatex style).

    Collective authors and the title are brace-protected so styles keep them as written; ``version`` is
    given both as a field (biblatex) and in ``note`` (classic styles ignore unknown fields).
    """
    what = "Dataset" if c.kind == "dataset" else "Software"
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(_bibtex_author(a) for a in c.authors)),
        ("title", f"{{{bibtex_escape(c.title)}}}"),
        ("year", str(c.year)),
    ]
    if c.version:
        fields.append(("version", bibtex_escape(c.version)))
    fields.append(("howpublished", what))
    if c.version:
        fields.append(("note", f"Version {bibtex_escape(c.version)}"))
    if c.doi:
        fields.append(("doi", c.doi))
    if c.url:
        fields.append(("url", c.url))
    width = max(len(k) for k, _ in fields)
    body = "".join(f"  {k.ljust(width)} = {{{v}}},\n" for k, v in fields)
    return f"@misc{{{bibtex_key(c)},\n{body}}}\n"


# --------------------------------------------------------------------------------------------------------
# APA


def _apa_name(name: str) -> str:
    if is_collective(name):
        return name
    given, family = split_name(name)
    initials = " ".join(f"{p[0]}." for p in re.split(r"[\s]+", given) if p)
    return f"{family}, {initials}" if initials else family


def _apa_authors(names: Sequence[str]) -> str:
    parts = [_apa_name(n) for n in names]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + ", & " + parts[-1]


def apa(c: Citation) -> str:
    """An APA 7 reference (plain text; the title would be italic in print)."""
    authors = _apa_authors(c.authors)
    if not authors.endswith("."):
        authors += "."
    version = f" (Version {c.version})" if c.version else ""
    what = "[Data set]" if c.kind == "dataset" else "[Computer software]"
    out = f"{authors} ({c.year}). {c.title}{version} {what}."
    if c.doi:
        out += f" https://doi.org/{c.doi}"
    elif c.url:
        out += f" {c.url}"
    return out + "\n"


# --------------------------------------------------------------------------------------------------------
# CFF


def _cff_author(name: str) -> dict[str, str]:
    if is_collective(name):
        return {"name": name}
    given, family = split_name(name)
    return {"family-names": family, "given-names": given} if given else {"family-names": family}


def _spdx(licence: str | None) -> str | None:
    """The licence when it looks like an SPDX identifier (CFF accepts only those), else ``None``."""
    return licence if licence and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.+-]*", licence) else None


def _cff_release(c: Citation) -> dict[str, Any]:
    """The CFF fields of ``c``'s release that a reference and a whole document write alike, in CFF's
    order: version, release date, licence (an SPDX id only) and DOI, each only when known."""
    fields: dict[str, Any] = {}
    if c.version:
        fields["version"] = c.version
    if c.date:
        fields["date-released"] = c.date
    if _spdx(c.license):
        fields["license"] = c.license
    if c.doi:
        fields["doi"] = c.doi
    return fields


def cff_reference(c: Citation) -> dict[str, Any]:
    """A CFF *reference* object for ``c`` (as used in ``preferred-citation``).

    CFF 1.2.0 has no reference type "dataset": datasets are ``data``, the toolkit ``software``.
    """
    ref: dict[str, Any] = {
        "type": "data" if c.kind == "dataset" else "software",
        "title": c.title,
        "authors": [_cff_author(a) for a in c.authors],
        "year": c.year,
    }
    ref.update(_cff_release(c))
    if c.url:
        ref["url"] = c.url
    if c.description and c.kind == "dataset":  # the dataset's own summary (e.g. its measured agreement)
        ref["abstract"] = c.description
    notes = [f"Dataset {c.id}, version {c.version}" if c.version else f"Dataset {c.id}"]
    if c.checksum:
        notes.append(f"data checksum {c.checksum} (SHA-256 over the data files' SHA-256)")
    notes.extend(f"derived from: {s.rstrip('.')}" for s in c.sources)
    ref["notes"] = "; ".join(notes) + "."
    return ref


def cff_document(c: Citation, preferred: Citation | None = None) -> dict[str, Any]:
    """A complete CFF 1.2.0 document for ``c``, optionally with a ``preferred-citation``.

    Sources a dataset derives from become ``references`` of type ``generic`` with an anonymous author
    (the manifest cites them as plain strings, and the seed article's author is unknown).
    """
    what = "dataset" if c.kind == "dataset" else "software"
    message = f"If you use this {what}, please cite it using these metadata."
    if preferred is not None:
        message = (
            f"If you use this {what} or the {preferred.id} dataset, please cite the dataset "
            "(preferred-citation) and this software using these metadata."
        )
    doc: dict[str, Any] = {
        "cff-version": CFF_VERSION,
        "message": message,
        "type": what,
        "title": c.title,
        "authors": [_cff_author(a) for a in c.authors],
    }
    if c.description:
        doc["abstract"] = c.description
    doc.update(_cff_release(c))
    if c.url:
        doc["repository-code" if c.kind == "software" else "url"] = c.url
    if c.keywords:
        doc["keywords"] = list(c.keywords)
    if c.sources:
        doc["references"] = [
            {"type": "generic", "title": s, "authors": [{"name": "anonymous"}]} for s in c.sources
        ]
    if preferred is not None:
        doc["preferred-citation"] = cff_reference(preferred)
    return doc


def to_yaml(value: Any, indent: int = 0) -> str:
    """A small YAML emitter (dicts, lists of dicts or scalars, strings, numbers, booleans, null).

    Enough for CFF documents and dataset-card front matter, without a YAML dependency in core.

    Every string is written double-quoted in JSON syntax, which is valid YAML 1.2, so dates stay strings
    (CFF wants ``"2016-10-18"``, not a date) and no value can be misread as a number or boolean.
    """
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, Mapping | list) and not item:
                lines.append(f"{pad}{key}: {'{}' if isinstance(item, Mapping) else '[]'}\n")
            elif isinstance(item, Mapping | list):
                lines.append(f"{pad}{key}:\n{to_yaml(item, indent + 1)}")
            else:
                lines.append(f"{pad}{key}: {_yaml_scalar(item)}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                body = to_yaml(item, indent + 1)
                lines.append(f"{pad}- {body.lstrip()}")
            elif isinstance(item, list):
                raise TypeError("nested lists are not supported")
            else:
                lines.append(f"{pad}- {_yaml_scalar(item)}\n")
    else:
        lines.append(f"{pad}{_yaml_scalar(value)}\n")
    return "".join(lines)


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def cff(c: Citation, preferred: Citation | None = None) -> str:
    """The CFF 1.2.0 YAML text of :func:`cff_document`."""
    header = (
        "# Generated by `claimbench cite --format cff`; edit toolkit/claimbench/publish/cite.py instead.\n"
    )
    return header + to_yaml(cff_document(c, preferred))


def citation_file() -> str:
    """The text of the repository's ``CITATION.cff``: the toolkit, preferring the flagship dataset."""
    return cff(toolkit_citation(), preferred_dataset_citation())


# --------------------------------------------------------------------------------------------------------
# JSON


def citation_json(c: Citation) -> dict[str, Any]:
    """The citation as a JSON object: every field, with the data files' checksums for datasets."""
    data: dict[str, Any] = {
        "type": c.kind,
        "id": c.id,
        "title": c.title,
        "authors": list(c.authors),
        "year": c.year,
        "version": c.version,
        "date": c.date,
        "url": c.url,
        "doi": c.doi,
        "license": c.license,
        "description": c.description,
    }
    if c.keywords:
        data["keywords"] = list(c.keywords)
    if c.kind == "dataset":
        data["sources"] = list(c.sources)
        data["checksum"] = c.checksum
        data["files"] = dict(c.files)
    data["bibtex"] = bibtex(c)
    return data


def format_citation(c: Citation, fmt: str) -> str:
    """``c`` in one of :data:`FORMATS`, ending with a newline.

    ``cff`` for the toolkit is the full ``CITATION.cff`` (with the preferred dataset citation).
    """
    if fmt == "bibtex":
        return bibtex(c)
    if fmt == "apa":
        return apa(c)
    if fmt == "json":
        return json.dumps(citation_json(c), indent=2, ensure_ascii=False) + "\n"
    if fmt == "cff":
        return citation_file() if c.kind == "software" else cff(c)
    raise ValueError(f"unknown citation format {fmt!r}; choose one of {', '.join(FORMATS)}")


def cite(name: str | Path | None = None, fmt: str = "bibtex") -> str:
    """The citation of dataset ``name`` (a path or an id), or of the toolkit when ``None``, in ``fmt``."""
    return format_citation(citation_of(name), fmt)
