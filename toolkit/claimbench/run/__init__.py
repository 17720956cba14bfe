"""Running a benchmark: the spec, the plan and the runner, the verdict cache and the engines.

Holds :mod:`~claimbench.run.spec` (the TOML benchmark spec), :mod:`~claimbench.run.plan` (the checkers a
spec needs, instantiated and checked; fit/evaluation refusals), :mod:`~claimbench.run.runner` (spec in,
report out: the one judge loop), :mod:`~claimbench.run.chunks` (a dataset's items in chunks, whole or
streamed), :mod:`~claimbench.run.streaming` (what travels to the engine and back: batches, the per-batch
reducer that builds every prediction row, the spool), :mod:`~claimbench.run.cache` (verdicts on disk),
:mod:`~claimbench.run.engines` and :mod:`~claimbench.run.engines_dask` (where batches are checked),
:mod:`~claimbench.run.batches` (what an engine is handed and returns), :mod:`~claimbench.run.validated`
(opening a spec's datasets; the streamed validation memo), :mod:`~claimbench.run.leakage` (the
content-based fit/evaluation guard), :mod:`~claimbench.run.record` (what a report records of the
datasets) and :mod:`~claimbench.run.environment` (versions, git commit, peak memory).

May import: everything below it in the data flow (base modules, :mod:`claimbench.text`,
:mod:`claimbench.data`, :mod:`claimbench.checkers`, :mod:`claimbench.scoring`,
:mod:`claimbench.report.model`).
Not the report formats, :mod:`claimbench.publish` or the CLI.
"""
