"""Reports of a finished benchmark run: the :class:`Report` model and its JSON, Markdown and HTML forms."""

from claimbench.report.model import (
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
    TaskScores,
)

__all__ = [
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
    "TaskScores",
]
