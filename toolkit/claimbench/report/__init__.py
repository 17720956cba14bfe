"""Reports of a finished benchmark run: the :class:`Report` model and its JSON, Markdown and HTML forms.

Holds :mod:`~claimbench.report.model` (the plain-data :class:`Report`), the formats
(:mod:`~claimbench.report.json`, :mod:`~claimbench.report.markdown`, :mod:`~claimbench.report.html`,
:mod:`~claimbench.report.plots`, :mod:`~claimbench.report.console`, :mod:`~claimbench.report.files`) and
:mod:`~claimbench.report.compare` (two runs side by side).

May import: the base modules and :mod:`claimbench.data` (``report.json`` is checked against its schema
by :mod:`claimbench.data.schema`). Not the checkers, the runner, scoring or :mod:`claimbench.publish`:
a report is made from a :class:`Report` alone. :mod:`~claimbench.report.model` itself imports only the
base modules, and this ``__init__`` only the model: scoring and the runner import the model, and with
it nothing of the formats.
"""

from claimbench.report.model import (
    FORMAT_VERSION,
    ArticleView,
    CheckerRun,
    ClaimMark,
    Comparison,
    Contamination,
    DatasetInfo,
    Estimate,
    LabelScore,
    Prediction,
    ReliabilityBin,
    Report,
    ReportVersionError,
    TaskScores,
)

__all__ = [
    "FORMAT_VERSION",
    "ArticleView",
    "CheckerRun",
    "ClaimMark",
    "Comparison",
    "Contamination",
    "DatasetInfo",
    "Estimate",
    "LabelScore",
    "Prediction",
    "ReliabilityBin",
    "Report",
    "ReportVersionError",
    "TaskScores",
]
