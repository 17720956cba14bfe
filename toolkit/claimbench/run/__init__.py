"""Running a benchmark: the spec, the plan and the runner, the verdict cache and the engines.

Holds :mod:`~claimbench.run.spec` (the TOML benchmark spec), :mod:`~claimbench.run.runner` (spec in,
report out), :mod:`~claimbench.run.cache` (verdicts on disk), :mod:`~claimbench.run.engines` and
:mod:`~claimbench.run.engines_dask` (where batches are checked), :mod:`~claimbench.run.batches` (what an
engine is handed and returns), :mod:`~claimbench.run.streaming` (per-batch reduction for large datasets)
and :mod:`~claimbench.run.leakage` (the content-based fit/evaluation guard).

May import: everything below it in the data flow (base modules, :mod:`claimbench.text`,
:mod:`claimbench.data`, :mod:`claimbench.checkers`, :mod:`claimbench.scoring`,
:mod:`claimbench.report.model`).
Not the report formats, :mod:`claimbench.publish` or the CLI.
"""
