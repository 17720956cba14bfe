"""Citations: BibTeX/APA/CFF/JSON of a dataset and of the toolkit, CITATION.cff, and `claimbench cite`."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from claimbench.cli import main
from claimbench.data.dataset import load_dataset
from claimbench.publish.cite import (
    Citation,
    DatasetNotFoundError,
    apa,
    bibtex,
    bibtex_escape,
    cff_document,
    citation_file,
    citation_json,
    cite,
    dataset_citation,
    is_collective,
    load_named_dataset,
    resolve_dataset,
    to_yaml,
    toolkit_citation,
)


def load_yaml(text: str) -> Any:
    """Parse YAML with PyYAML (a dev extra); the test is skipped where it is not installed."""
    yaml = pytest.importorskip("yaml", reason="PyYAML (a dev extra: pip install -e '.[dev]') parses CFF")
    return yaml.safe_load(text)


ROOT = Path(__file__).resolve().parents[1]
MOSUL = ROOT / "datasets" / "mosul-2016"
CFF_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "cff-schema-1.2.0.json").read_text(encoding="utf-8")
)

TINY_BIBTEX = """\
@misc{tiny_v1_0_0,
  author       = {{claimbench contributors}},
  title        = {{A tiny dataset}},
  year         = {2020},
  version      = {1.0.0},
  howpublished = {Dataset},
  note         = {Version 1.0.0},
}
"""


def cff_problems(doc: Any) -> list[str]:
    """Every violation of the official CFF 1.2.0 schema (draft-07)."""
    validator = jsonschema.Draft7Validator(
        CFF_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def balanced(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and i and text[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


# --- BibTeX ---------------------------------------------------------------------------------------------


def test_bibtex_of_the_tiny_dataset_is_exact(tiny_dataset: Path) -> None:
    assert bibtex(dataset_citation(load_dataset(tiny_dataset))) == TINY_BIBTEX


def test_bibtex_of_mosul_has_the_manifest_fields() -> None:
    ds = load_dataset(MOSUL)
    entry = cite("mosul-2016", "bibtex")
    cit = ds.manifest["citation"]
    key = "mosul_2016_v" + ds.version.replace(".", "_")
    assert entry.startswith(f"@misc{{{key},\n")
    assert entry.endswith("}\n")
    assert balanced(entry)
    fields = dict(re.findall(r"^  (\w+)\s*= \{(.*)\},$", entry, flags=re.MULTILINE))
    assert fields["author"] == " and ".join(f"{{{a}}}" if is_collective(a) else a for a in cit["authors"])
    assert fields["author"] == "{claimbench contributors}"
    assert fields["title"] == f"{{{bibtex_escape(cit['title'])}}}"
    assert fields["year"] == str(cit["year"])
    assert fields["version"] == ds.version
    assert fields["howpublished"] == "Dataset"
    assert fields["note"] == f"Version {ds.version}"
    assert ("url" in fields) == ("url" in cit)
    assert ("doi" in fields) == ("doi" in cit)


def test_bibtex_escapes_special_characters_and_protects_collective_names() -> None:
    c = Citation(
        kind="dataset",
        id="odd set",
        title="Costs & 100% of $x_1 #2 {braces} ~^ back\\slash",
        authors=("Jane Doe", "Doe, John", "Example Lab"),
        year=2024,
        version="2.1.0-rc.1",
        url="https://example.org/data_set#v2",
        doi="10.1234/abc_def",
    )
    entry = bibtex(c)
    assert entry.startswith("@misc{odd_set_v2_1_0_rc_1,\n")
    assert (
        r"title        = {{Costs \& 100\% of \$x\_1 \#2 \{braces\} \textasciitilde{}\textasciicircum{} "
        r"back\textbackslash{}slash}}," in entry
    )
    assert "author       = {Jane Doe and Doe, John and {Example Lab}}," in entry
    assert "url          = {https://example.org/data_set#v2}," in entry  # URLs and DOIs are left verbatim
    assert "doi          = {10.1234/abc_def}," in entry
    assert balanced(entry)


@pytest.mark.parametrize(
    ("name", "collective"),
    [
        ("claimbench contributors", True),
        ("MLCommons", True),
        ("Allen Institute for AI", True),
        ("The Independent", True),
        ("Jane Q. Public", False),
        ("Jane Doe", False),
        ("Doe, Jane", False),
    ],
)
def test_collective_names(name: str, collective: bool) -> None:
    assert is_collective(name) is collective


def test_toolkit_bibtex_is_a_software_entry() -> None:
    from claimbench import __version__

    entry = cite(None, "bibtex")
    assert entry.startswith("@misc{claimbench_v")
    assert "howpublished = {Software}" in entry
    assert f"version      = {{{__version__}}}" in entry
    assert balanced(entry)


# --- APA, JSON ------------------------------------------------------------------------------------------


def test_apa(tiny_dataset: Path) -> None:
    ds = load_dataset(tiny_dataset)
    assert apa(dataset_citation(ds)) == (
        "claimbench contributors. (2020). A tiny dataset (Version 1.0.0) [Data set].\n"
    )
    people = Citation(
        "dataset", "x", "T", ("Jane Q. Doe", "Roe, Richard", "Big Team"), 2021, "1.0.0", doi="10.1/x"
    )
    assert (
        apa(people)
        == "Doe, J. Q., Roe, R., & Big Team. (2021). T (Version 1.0.0) [Data set]. https://doi.org/10.1/x\n"
    )
    assert apa(toolkit_citation()).startswith("claimbench contributors. (")
    assert "[Computer software]" in apa(toolkit_citation())


def test_json_carries_version_and_checksums(tiny_dataset: Path) -> None:
    ds = load_dataset(tiny_dataset)
    data = json.loads(cite(tiny_dataset, "json"))
    assert data["type"] == "dataset"
    assert data["version"] == ds.version
    assert data["checksum"] == ds.checksum
    assert data["files"] == {e["path"]: e["sha256"] for e in ds.manifest["files"].values()}
    assert data["bibtex"] == TINY_BIBTEX
    assert citation_json(toolkit_citation())["type"] == "software"


# --- CFF ------------------------------------------------------------------------------------------------


def test_dataset_cff_validates_against_the_official_schema(tiny_dataset: Path) -> None:
    for name in (tiny_dataset, "mosul-2016"):
        doc = load_yaml(cite(name, "cff"))
        assert cff_problems(doc) == []
        assert doc["type"] == "dataset"
        assert doc["version"] == load_named_dataset(name).version


def test_citation_cff_validates_and_matches_the_code() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    doc = load_yaml(text)
    assert cff_problems(doc) == []
    assert text == citation_file(), "CITATION.cff is stale: run `claimbench cite --format cff > CITATION.cff`"
    assert text == cite(None, "cff")


def test_citation_cff_content() -> None:
    doc = load_yaml((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert doc["cff-version"] == "1.2.0"
    assert doc["title"] == "claimbench"
    assert doc["type"] == "software"
    assert doc["authors"] == [{"name": "claimbench contributors"}]
    assert doc["version"] == pyproject["version"]
    # the software is MIT; the distribution's expression adds the data and model it carries (LICENSES/)
    assert doc["license"] == pyproject["license"].split(" AND ")[0] == "MIT"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["date-released"])
    ds = load_dataset(MOSUL)
    preferred = doc["preferred-citation"]
    assert preferred["type"] == "data"  # CFF 1.2.0's reference type for datasets (it has no "dataset")
    assert preferred["title"] == ds.manifest["citation"]["title"]
    assert preferred["authors"] == [{"name": a} for a in ds.manifest["citation"]["authors"]]
    assert preferred["year"] == ds.manifest["citation"]["year"]
    assert preferred["version"] == ds.version
    assert ds.checksum in preferred["notes"]


def test_cff_validation_catches_mistakes() -> None:
    doc = cff_document(toolkit_citation())
    del doc["message"]
    doc["license"] = "Not-A-Licence"
    problems = cff_problems(doc)
    assert any("message" in p for p in problems)
    assert any(p.startswith("license") for p in problems)


def test_to_yaml_round_trips() -> None:
    data = {
        "a": "2016-10-18",
        "b": ["yes", "1.0", 'quote " and \\ and\nnewline', "ü‘’"],
        "c": [{"x": 1, "y": [{"z": True, "w": None}], "v": 2.5}],
        "d": [],
        "e": {},
    }
    assert load_yaml(to_yaml(data)) == data


# --- resolving dataset names ----------------------------------------------------------------------------


def test_resolve_by_id_path_and_manifest(tiny_dataset: Path) -> None:
    assert resolve_dataset("mosul-2016").resolve() == MOSUL.resolve()
    assert resolve_dataset(str(tiny_dataset)) == tiny_dataset
    assert resolve_dataset(tiny_dataset / "manifest.json") == tiny_dataset


def test_unknown_dataset_lists_known_ids() -> None:
    with pytest.raises(DatasetNotFoundError, match=r"no dataset 'no-such-set'.*known ids: .*mosul-2016"):
        resolve_dataset("no-such-set")


def test_dataset_without_manifest_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "datasets" / "draft").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetNotFoundError, match=r"has no manifest\.json yet"):
        resolve_dataset("draft")


# --- the command ----------------------------------------------------------------------------------------


def test_cli_cite_mosul_bibtex(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "mosul-2016", "--format", "bibtex"]) == 0
    assert capsys.readouterr().out == cite("mosul-2016", "bibtex")


@pytest.mark.parametrize("fmt", ["bibtex", "cff", "apa", "json"])
def test_cli_cite_every_format(fmt: str, tiny_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", str(tiny_dataset), "-f", fmt]) == 0
    assert capsys.readouterr().out == cite(tiny_dataset, fmt)
    assert main(["cite", "--format", fmt]) == 0
    assert capsys.readouterr().out == cite(None, fmt)


def test_cli_cite_unknown_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "no-such-set"]) == 2
    err = capsys.readouterr().err
    assert "known ids" in err
    assert "Traceback" not in err


def test_cli_cite_invalid_dataset(tiny_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny_dataset / "claims.jsonl").write_text("{}\n", encoding="utf-8")
    assert main(["cite", str(tiny_dataset)]) == 1
    assert "invalid dataset" in capsys.readouterr().err
