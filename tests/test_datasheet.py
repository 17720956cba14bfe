"""The datasheet: Gebru et al.'s sections are there, and its counts block matches the data files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claimbench.cli import main
from claimbench.data.dataset import load_dataset
from claimbench.data.write import update_manifest
from claimbench.publish.datasheet import (
    BEGIN,
    END,
    DatasheetError,
    counts_block,
    datasheet_drift,
    update_datasheet,
)

ROOT = Path(__file__).resolve().parents[1]
MOSUL = ROOT / "datasets" / "mosul-2016"

SECTIONS = (
    "Motivation",
    "Composition",
    "Collection process",
    "Preprocessing, cleaning and labelling",
    "Uses",
    "Distribution",
    "Maintenance",
)


def test_mosul_datasheet_counts_match_the_data() -> None:
    diff = datasheet_drift(load_dataset(MOSUL))
    assert diff is None, (
        f"DATASHEET.md counts drifted; run `claimbench datasheet mosul-2016 --update`:\n{diff}"
    )


def test_mosul_datasheet_has_every_section() -> None:
    text = (MOSUL / "DATASHEET.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    for section in SECTIONS:
        assert section in headings, f"DATASHEET.md lacks the section {section!r}"
    for fact in (
        "Agreement before adjudication",
        "AI annotators only",
        "CC-BY-4.0",
        "The Independent",
        "GUIDELINES.md",
        "CHANGELOG.md",
    ):
        assert fact in text


def test_counts_block_numbers_are_the_records(tiny_dataset: Path) -> None:
    ds = load_dataset(tiny_dataset)
    block = counts_block(ds)
    assert block.startswith(BEGIN)
    assert block.rstrip().endswith(END)
    rows = dict(re.findall(r"^\| ([^|]+?) \| (\d+) \|$", block, flags=re.MULTILINE))
    assert int(rows["claims"]) == len(ds.claims) == 2
    assert int(rows["articles"]) == 1
    assert int(rows["source-agreement relations"]) == 1
    assert int(rows["quantities"]) == 2
    assert int(rows["time expressions"]) == 1
    assert "| numeric | 1 | 50.0% |" in block
    assert "| not_applicable | 1 | 50.0% |" in block
    assert "| disagree | 1 | 100.0% |" in block
    assert ds.checksum in block


def _datasheet(root: Path) -> Path:
    path = root / "DATASHEET.md"
    path.write_text(f"# Datasheet\n\nProse.\n\n{BEGIN}\nstale\n{END}\n\nMore prose.\n", encoding="utf-8")
    return path


def test_update_then_drift_after_a_label_change(tiny_dataset: Path) -> None:
    path = _datasheet(tiny_dataset)
    ds = load_dataset(tiny_dataset)
    assert datasheet_drift(ds) is not None
    assert update_datasheet(ds) is True
    assert update_datasheet(ds) is False
    assert datasheet_drift(ds) is None
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Datasheet\n\nProse.\n\n")
    assert text.endswith("\n\nMore prose.\n")

    claims = tiny_dataset / "claims.jsonl"
    rows = [json.loads(line) for line in claims.read_text(encoding="utf-8").splitlines()]
    rows[1]["numeric_consistency"]["label"] = "inconsistent"
    claims.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    update_manifest(tiny_dataset)
    diff = datasheet_drift(load_dataset(tiny_dataset))
    assert diff is not None
    assert "-| inconsistent | 0 | 0.0% |" in diff
    assert "+| inconsistent | 1 | 50.0% |" in diff


def test_missing_markers_are_an_error(tiny_dataset: Path) -> None:
    (tiny_dataset / "DATASHEET.md").write_text("# Datasheet without a counts block\n", encoding="utf-8")
    with pytest.raises(DatasheetError, match="counts:begin"):
        datasheet_drift(load_dataset(tiny_dataset))


def test_cli_datasheet(tiny_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _datasheet(tiny_dataset)
    assert main(["datasheet", str(tiny_dataset), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main(["datasheet", str(tiny_dataset), "--update"]) == 0
    assert main(["datasheet", str(tiny_dataset), "--check"]) == 0
    capsys.readouterr()
    assert main(["datasheet", str(tiny_dataset)]) == 0
    assert capsys.readouterr().out == counts_block(load_dataset(tiny_dataset))
    (tiny_dataset / "DATASHEET.md").unlink()
    assert main(["datasheet", str(tiny_dataset), "--check"]) == 1
    assert "error:" in capsys.readouterr().err


def test_cli_datasheet_check_mosul(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasheet", "mosul-2016", "--check"]) == 0, capsys.readouterr().out
