"""Source-agreement checkers: does a second text agree with, disagree with, discuss, or ignore a claim?

Two checkers share one scorer (:mod:`claimbench.text.stance`):

``source-agreement``
    Judges each relation on its own, FNC-1 style: the claim is the headline, the other claim's text or the
    other article's body is the body. With ``model`` (a skops file from ``claimbench train
    source-agreement``) or after ``fit`` it uses the learned stacked model; with neither it falls back to
    the transparent rule-based scorer, so the main job works on a fresh machine.
``source-conflicts``
    The claim-level checker for annotated articles: claims about one proposition (their ``proposition``
    field) are related by construction, so it asks the scorer only for the stance among agree / disagree /
    discuss, scores every pair of sources on the proposition, and names the sources that conflict. Its
    claims are short sentences, so without ``model`` or ``fit`` it uses the claim-pair model shipped for
    ``claim-stance`` (:mod:`claimbench.checkers.claim_stance`); ``model`` may name an archive of either kind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from claimbench.checkers.base import BaseChecker, CheckerEnvironmentError, failed_verdict
from claimbench.records import (
    SOURCE_AGREEMENT,
    STANCE_LABELS,
    Claim,
    Context,
    Evidence,
    Item,
    Relation,
    Verdict,
)
from claimbench.text.stance import SHIPPED_CLAIM_MODEL


class _Scorer(Protocol):
    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> NDArray[np.float64]: ...


@dataclass(frozen=True, slots=True)
class _Scored:
    """One batch's well-formed relations (index, relation, claim text, other text) and the scorer's
    probabilities for them, one row each, with a description of the scorer for the explanations."""

    scorer: _Scorer
    described: str
    ready: Sequence[tuple[int, Relation, str, str]]
    proba: NDArray[np.float64]


def load_cached_model(path: str | os.PathLike[str], loader: Callable[[Path], Any], missing: str) -> Any:
    """``loader(path)``, read once per process for each file content
    (:func:`claimbench.checkers.loading.load_once`).

    The one model cache of the learned checkers (``source-agreement``, ``source-conflicts``,
    ``claim-stance``): each worker process reads a model on its first batch and keeps it for every later
    batch and run; a replaced file is read afresh. A missing file raises ``FileNotFoundError`` starting
    with ``missing`` (what the file is and how to make one).
    """
    from claimbench.checkers.loading import load_once

    file = Path(path).resolve()
    if not file.is_file():
        raise FileNotFoundError(missing.format(file=file))
    return load_once(file, loader)


def _read_stance_model(path: Path) -> Any:
    from claimbench.text.stance.model import load

    model, _metadata = load(path)
    return model


def _read_claim_model(path: Path) -> Any:
    from claimbench.text.stance.claim_model import load

    model, _metadata = load(path)
    return model


def load_claim_model(path: str | os.PathLike[str] | None = None) -> Any:
    """The :class:`~claimbench.text.stance.claim_model.ClaimStanceModel` in ``path`` (default: the shipped
    one,
    :data:`claimbench.text.stance.SHIPPED_CLAIM_MODEL`), loaded at most once per process
    (:func:`load_cached_model`)."""
    return load_cached_model(
        path if path is not None else SHIPPED_CLAIM_MODEL,
        _read_claim_model,
        "claim stance model file not found: {file}; build it with "
        "`python -m claimbench.train.claims --out PATH`",
    )


def load_model(path: str | os.PathLike[str]) -> Any:
    """The :class:`~claimbench.text.stance.model.StanceModel` in ``path``, loaded at most once per process.

    Worker processes each load it on first use and keep it for every later batch.
    """
    return load_cached_model(
        path,
        _read_stance_model,
        "stance model file not found: {file}; train one with `claimbench train source-agreement` "
        "or leave `model` unset to use the rule-based scorer",
    )


class _StanceChecker(BaseChecker):
    task = SOURCE_AGREEMENT
    labels = STANCE_LABELS
    version = "1.0.0"
    file_params = ("model",)  # the model file enters the cache key by content

    def __init__(self, model: str | None = None, model_params: dict[str, Any] | None = None) -> None:
        self.model = model
        self.model_params = model_params

    def fit(self, items: Sequence[Item], context: Context) -> _StanceChecker:
        """Train the stacked stance model on labelled relations (e.g. the FNC-1 train split)."""
        from claimbench.text.stance.model import build_model

        relations = [i for i in items if isinstance(i, Relation)]
        pairs = [_texts(r, context) for r in relations]
        seen: dict[str, int] = {}
        groups = [seen.setdefault(str(r.other_article_id or r.other_claim_id), len(seen)) for r in relations]
        self.model_ = build_model(**(self.model_params or {})).fit(
            [h for h, _ in pairs], [b for _, b in pairs], [r.label for r in relations], groups=groups
        )
        return self

    def _scorer(self) -> tuple[_Scorer, str]:
        fitted = getattr(self, "model_", None)
        if fitted is not None:
            return fitted, "the stance model fitted by the run"
        if self.model is not None:
            return load_model(self.model), f"the stance model {Path(self.model).name}"
        from claimbench.text.stance.rules import RuleBasedScorer

        return RuleBasedScorer(), "the rule-based scorer (no model file given)"

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        """Score every well-formed relation in one batch; a relation that cannot be read gets an error."""
        verdicts: list[Verdict | None] = [None] * len(items)
        ready: list[tuple[int, Relation, str, str]] = []
        for i, item in enumerate(items):
            try:
                if not isinstance(item, Relation):
                    raise TypeError(f"expected a Relation, got {type(item).__name__}")
                head, body = _texts(item, context)
                ready.append((i, item, head, body))
            except Exception as exc:  # noqa: BLE001 - recorded in the item's verdict
                verdicts[i] = failed_verdict(item.id, self.name, self.version, exc)
        if ready:
            loaded = False
            try:
                scorer, described = self._scorer()
                loaded = True
                proba = scorer.predict_proba([h for _, _, h, _ in ready], [b for _, _, _, b in ready])
                judged = self._judge(_Scored(scorer, described, ready, proba), context)
                for (i, _, _, _), verdict in zip(ready, judged, strict=True):
                    verdicts[i] = verdict
            except Exception as exc:  # noqa: BLE001 - e.g. a missing or untrusted model file
                # a model that cannot be loaded is the machine's fault, not the items': never cached
                environment = not loaded or isinstance(exc, CheckerEnvironmentError)
                for i, rel, _, _ in ready:
                    verdicts[i] = failed_verdict(
                        rel.id, self.name, self.version, exc, environment=environment
                    )
        return [v for v in verdicts if v is not None]

    def _judge(self, scored: _Scored, context: Context) -> list[Verdict]:
        """One verdict per relation of ``scored.ready``, in order, from the scorer's probabilities."""
        raise NotImplementedError

    def _verdict(self, rel: Relation, proba: NDArray[np.float64] | Sequence[float], why: str) -> Verdict:
        """The verdict for one row of probabilities (as plain floats: numpy scalars format far slower)."""
        values = proba.tolist() if isinstance(proba, np.ndarray) else list(proba)
        best = max(range(len(values)), key=values.__getitem__)  # the first of equal maxima, as argmax
        label = STANCE_LABELS[best]
        return Verdict(
            item_id=rel.id,
            checker=self.name,
            checker_version=self.version,
            label=label,
            score=min(max(values[best], 0.0), 1.0),
            explanation=f"{_SHOWN.format(*values)} → {label}; {why}",
            evidence=tuple(
                Evidence(name, None, round(p, 6)) for name, p in zip(_EVIDENCE, values, strict=True)
            ),
        )


_SHOWN = ", ".join(f"P({name})={{:.2f}}" for name in STANCE_LABELS)
"""The explanation's probabilities, one format call per verdict."""
_EVIDENCE = tuple(f"P({name})" for name in STANCE_LABELS)


class SourceAgreementChecker(_StanceChecker):
    """FNC-1-style stance of each relation's second text towards its claim.

    ``model``: path to a stance model saved by ``claimbench train source-agreement`` (loaded once per
    process); without it, and unless the run fits it (``fit_on``), the rule-based scorer judges.
    ``model_params``: parameters of the model trained by ``fit``.
    """

    name = "source-agreement"

    def _judge(self, scored: _Scored, context: Context) -> list[Verdict]:
        why = f"by {scored.described}"
        rows = scored.proba.tolist()
        return [self._verdict(rel, row, why) for (_, rel, _, _), row in zip(scored.ready, rows, strict=True)]


class SourceConflictChecker(_StanceChecker):
    """Claim-level source agreement: every source on a proposition against every other, conflicts named.

    Two claims that share a ``proposition`` are about the same thing, so the relation is one of agree /
    disagree / discuss, and the stance comes from the scorer's probabilities of those three renormalised.
    Claims with different (or no) propositions get the scorer's full four-way judgement. The explanation
    lists every pair of sources on the proposition whose claims the scorer finds in conflict.
    """

    name = "source-conflicts"

    def _scorer(self) -> tuple[_Scorer, str]:
        """As the base, except that without a model file or a fit it uses the shipped claim-pair model
        (``claim-stance``), made for two short claims, and ``model`` may name either kind of archive."""
        if getattr(self, "model_", None) is None:
            if self.model is not None and _is_claim_archive(self.model):
                return load_claim_model(self.model), f"the claim stance model {Path(self.model).name}"
            if self.model is None and SHIPPED_CLAIM_MODEL.is_file():
                return load_claim_model(), f"the claim stance model {SHIPPED_CLAIM_MODEL.name} (shipped)"
        return super()._scorer()

    def _judge(self, scored: _Scored, context: Context) -> list[Verdict]:
        scorer, described, ready, proba = scored.scorer, scored.described, scored.ready, scored.proba
        groups: dict[str, list[Claim]] = {}
        for claim in context.claims.values():
            if claim.proposition is not None:
                groups.setdefault(claim.proposition, []).append(claim)
        conflicts: dict[str, list[str]] = {}
        out = []
        for (_, rel, _, _), row in zip(ready, proba, strict=True):
            proposition = _shared_proposition(rel, context)
            if proposition is None:
                out.append(self._verdict(rel, row, f"by {described}; the claims share no proposition"))
                continue
            related = row[:3] / max(float(row[:3].sum()), 1e-12)
            stance = np.append(related, 0.0)
            if proposition not in conflicts:
                conflicts[proposition] = _conflicts(scorer, groups.get(proposition, []))
            found = conflicts[proposition]
            summary = "; ".join(found) if found else "none found"
            why = (
                f"both claims are about '{proposition}', so related; stance by {described}; "
                f"conflicting sources on '{proposition}': {summary}"
            )
            out.append(self._verdict(rel, stance, why))
        return out


def _is_claim_archive(path: str) -> bool:
    """Whether ``path`` is a claim-stance archive (it builds the claim model's types, not FNC-1's)."""
    from claimbench.text.stance.claim_model import is_claim_archive

    return is_claim_archive(path)


def _conflicts(scorer: _Scorer, claims: Sequence[Claim]) -> list[str]:
    """Pairs of claims from different sources on one proposition that the scorer finds in disagreement."""
    pairs = [
        (a, b)
        for a, b in combinations(claims, 2)
        if a.attribution is not None
        and b.attribution is not None
        and a.attribution.source_id != b.attribution.source_id
    ]
    if not pairs:
        return []
    proba = scorer.predict_proba([a.text for a, _ in pairs], [b.text for _, b in pairs])
    disagree = STANCE_LABELS.index("disagree")
    return [
        f"{_source(a)} ({a.id}) vs {_source(b)} ({b.id})"
        for (a, b), row in zip(pairs, proba, strict=True)
        if int(np.argmax(row[:3])) == disagree
    ]


def _source(claim: Claim) -> str:
    return claim.attribution.source_id if claim.attribution is not None else "unattributed"


def _shared_proposition(rel: Relation, context: Context) -> str | None:
    first = context.claims.get(rel.claim_id)
    other = context.claims.get(rel.other_claim_id) if rel.other_claim_id is not None else None
    if first is None or other is None or first.proposition is None:
        return None
    return first.proposition if first.proposition == other.proposition else None


def _texts(rel: Relation, context: Context) -> tuple[str, str]:
    """(claim text, second text) of a relation; raises KeyError naming what is missing."""
    try:
        head = context.claims[rel.claim_id].text
    except KeyError:
        raise KeyError(f"claim {rel.claim_id!r} is not in the context") from None
    if rel.other_claim_id is not None:
        try:
            return head, context.claims[rel.other_claim_id].text
        except KeyError:
            raise KeyError(f"claim {rel.other_claim_id!r} is not in the context") from None
    if rel.other_article_id is not None:
        try:
            return head, context.articles[rel.other_article_id].text
        except KeyError:
            raise KeyError(f"article {rel.other_article_id!r} is not in the context") from None
    raise ValueError("the relation names no second claim or article")
