"""Scoring verdicts against gold labels: metrics, resampling statistics and the per-task score tables.

Holds :mod:`~claimbench.scoring.metrics` (accuracy, F1, calibration, FNC-1 score),
:mod:`~claimbench.scoring.stats` (bootstrap intervals, paired tests, multiple-comparison adjustment) and
:mod:`~claimbench.scoring.tables` (the compact arrays one dataset and task is scored from).

May import: the base modules, :mod:`claimbench.data` and :mod:`claimbench.report.model` (the record types
scores are written into). Not the runner, the report formats or the CLI.
"""
