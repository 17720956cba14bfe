"""The subcommands of the ``claimbench`` command, by group: :mod:`~claimbench._cli.data` (datasets),
:mod:`~claimbench._cli.run` (checkers, training, runs and their comparison), :mod:`~claimbench._cli.publish`
(citations, exports, metadata) and :mod:`~claimbench._cli.common` (exit codes, errors, argument types).
:mod:`claimbench.cli` assembles the parser from them and holds ``main``.

May import: anything in the package (the command line is the top of the flow), lazily inside the command
functions so that ``claimbench --help`` stays light. Nothing imports it but :mod:`claimbench.cli`.
"""
