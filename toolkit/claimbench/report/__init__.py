"""Reports of a finished benchmark run: the :class:`Report` model and its JSON, Markdown and HTML forms."""

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
