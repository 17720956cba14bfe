"""The machine-readable reports: ``report.json`` (validated) and ``predictions.csv`` / ``.parquet``.

``report.json`` is checked against ``schemas/report.schema.json`` before anything is written, so a file
that exists is a file that validates: downstream tools (``compare``, papers' scripts) can rely on it.
Every file is written atomically (:mod:`claimbench._io`): an interrupted write leaves the old report.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from claimbench._display import FORMULA_PREFIX, restore_formula
from claimbench._io import atomic_path, write_text
from claimbench.data.schema import _fast_check, json_path, validator
from claimbench.errors import ClaimbenchError
from claimbench.report.model import (
    PREDICTION_COLUMNS,
    PREDICTIONS_HEADER,
    Prediction,
    Report,
    check_format_version,
    prediction_lines,
)

REPORT_FILE = "report.json"
PREDICTIONS_CSV = "predictions.csv"
PREDICTIONS_PARQUET = "predictions.parquet"


class ReportError(ClaimbenchError, ValueError):
    """A report does not match ``schemas/report.schema.json``; ``problems`` lists each as ``$.path: …``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        shown = "\n".join(self.problems[:50])
        more = f"\n… and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(
            f"report does not match report.schema.json: {len(self.problems)} problem(s)\n{shown}{more}"
        )


def report_problems(data: Mapping[str, Any]) -> list[str]:
    """Every schema violation of a report's JSON form, as ``$.path: message`` (empty when valid).

    The compiled check of :mod:`claimbench.data.schema` decides first (a report holds a row per prediction:
    jsonschema alone took about 5 s for 20,000); jsonschema words the problems of a report it refuses.
    """
    fast = _fast_check("report")
    try:
        if fast is not None and fast(data):
            return []
    except Exception:  # noqa: BLE001 - a value it cannot take: jsonschema decides
        pass
    errors = sorted(validator("report").iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{json_path(e.absolute_path)}: {e.message}" for e in errors]


def write_report(
    report: Report, out_dir: str | Path, *, also: Sequence[Callable[[Report, Path], Path]] = ()
) -> list[Path]:
    """Write ``report.json``, ``predictions.csv`` and, when pyarrow imports, ``predictions.parquet``.

    ``also``: more writers (``write_markdown`` …) to run after the predictions. ``report.json`` is
    deleted first and written last, so a directory holding it holds a finished set (see
    :mod:`claimbench.report.files`). Returns the paths written (``report.json`` first). Raises
    :class:`ReportError` (writing nothing) when the report does not validate against its schema.
    """
    out = Path(out_dir)
    data = report.to_dict()
    problems = report_problems(data)
    if problems:
        raise ReportError(problems)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / REPORT_FILE, out / PREDICTIONS_CSV]
    written[0].unlink(missing_ok=True)
    if report.predictions_file is not None:  # a streamed run: its rows are on disk, not in the report
        spooled = Path(report.predictions_file)
        with atomic_path(written[1]) as tmp:
            shutil.copyfile(spooled, tmp)
        parquet = spooled_parquet(spooled, out / PREDICTIONS_PARQUET)
    else:
        write_text(written[1], predictions_csv(report.predictions))
        parquet = write_parquet(report.predictions, out / PREDICTIONS_PARQUET)
    if parquet is not None:
        written.append(parquet)
    written.extend(writer(report, out) for writer in also)
    write_text(written[0], json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return written


def predictions_csv(predictions: Sequence[Prediction]) -> str:
    """The predictions as CSV text: a header, then one row per item per checker (empty cell: none).

    Text cells that a spreadsheet would run as a formula carry a leading ``'``
    (:func:`claimbench._display.defuse_formula`); :func:`read_predictions_csv` removes it again.
    """
    return PREDICTIONS_HEADER + "".join(prediction_lines(predictions))


def read_predictions_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows of a ``predictions.csv`` with the exact texts (the formula prefix removed).

    Cells are strings as in the file; an empty cell is ``""``.
    """
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return [
            {c: v if c == "score" else restore_formula(v) for c, v in row.items()}
            for row in csv.DictReader(handle)
        ]


def write_parquet(predictions: Sequence[Prediction], path: Path) -> Path | None:
    """Write the predictions as Parquet if pyarrow is installed; ``None`` (nothing written) if not."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None
    schema = pa.schema(
        [(name, pa.float64() if name == "score" else pa.string()) for name in PREDICTION_COLUMNS]
    )
    table = pa.Table.from_pylist([asdict(p) for p in predictions], schema=schema)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


def spooled_parquet(csv_path: Path, path: Path) -> Path | None:
    """The Parquet twin of a streamed run's predictions CSV, converted batch by batch (needs pyarrow).

    Empty cells are nulls, as in :func:`write_parquet`, except in ``explanation`` (an empty string).
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq
    except ImportError:
        return None
    schema = pa.schema(
        [(name, pa.float64() if name == "score" else pa.string()) for name in PREDICTION_COLUMNS]
    )
    options = pcsv.ConvertOptions(column_types=schema, strings_can_be_null=True, null_values=[""])
    explanation = PREDICTION_COLUMNS.index("explanation")
    with atomic_path(path) as tmp, pq.ParquetWriter(tmp, schema) as writer:
        reader = pcsv.open_csv(csv_path, convert_options=options)
        for batch in reader:
            table = pa.Table.from_batches([batch]).select(list(PREDICTION_COLUMNS))
            for i, name in enumerate(PREDICTION_COLUMNS):  # the CSV's formula prefix is not data
                if name != "score":
                    column = table.column(i)
                    prefixed = pc.starts_with(column, FORMULA_PREFIX)
                    exact = pc.if_else(prefixed, pc.utf8_slice_codeunits(column, 1), column)
                    table = table.set_column(i, name, exact)
            filled = pc.fill_null(table.column(explanation), "")
            writer.write_table(table.set_column(explanation, "explanation", filled).cast(schema))
    return path


def read_report(path: str | Path) -> Report:
    """Read a ``report.json`` (or the directory holding one) back into a :class:`Report`.

    Raises :class:`~claimbench.report.model.ReportVersionError` when it is in a newer format than this
    claimbench reads (checked first: the schema is that of the formats it knows), :class:`ReportError`
    when the file does not match the schema, ``FileNotFoundError`` when it is missing. A report without
    ``format_version`` is version 1.
    """
    path = Path(path)
    if path.is_dir():
        path = path / REPORT_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ReportError([f"$: expected a JSON object, found {type(data).__name__}"])
    check_format_version(data)
    problems = report_problems(data)
    if problems:
        raise ReportError([f"{path}: {p}" for p in problems])
    return Report.from_dict(data)
