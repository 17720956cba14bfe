"""Building the stance models' files from the external corpora, with the provenance a paper needs.

Holds :mod:`~claimbench.train.fnc1` (the FNC-1 headline/body model, ``claimbench train source-agreement``) and
:mod:`~claimbench.train.claims` (the shipped claim-pair model,
``python -m claimbench.train.claims``).

May import: the base modules, :mod:`claimbench.text` and :mod:`claimbench.data` (the adapters read the
training parts). Nothing imports it but the CLI.
"""
