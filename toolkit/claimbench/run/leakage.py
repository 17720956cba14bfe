"""Whether evaluated items were seen when fitting, decided by their texts, whatever their ids.

An item's texts are the claim's text and the other text it is judged against: for a relation the second
claim's text or the article body; for a claim its article's text, if it has one. Texts are compared in the
normal form of :func:`claimbench.text.content.normalise_text`.

* An evaluated item whose texts, all of them and in order, are those of one fitted item is a *leak*: the
  model would be scored on a pair it was trained on (:attr:`Screening.leaked`; the runner refuses the run).
* An evaluated item that shares only some text with the fitting data (an FNC-1 headline seen in training
  with another body) is *contaminated*: the run goes on and the report counts such items per dataset
  (:attr:`Screening.shared`), because a score on them says less about unseen text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from claimbench.records import Claim, Context, Item, Relation
from claimbench.text.content import text_key


class _Keys:
    """Text fingerprints of a context's records, each computed once (bodies repeat across relations)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._claims: dict[str, str] = {}
        self._articles: dict[str, str] = {}

    def claim(self, claim_id: str) -> str | None:
        key = self._claims.get(claim_id)
        if key is None:
            claim = self.context.claims.get(claim_id)
            if claim is None:
                return None
            key = self._claims[claim_id] = text_key(claim.text)
        return key

    def article(self, article_id: str) -> str | None:
        key = self._articles.get(article_id)
        if key is None:
            article = self.context.articles.get(article_id)
            if article is None:
                return None
            key = self._articles[article_id] = text_key(article.text)
        return key

    def of(self, item: Item) -> tuple[str, ...]:
        """The fingerprints of ``item``'s texts, in order (a text missing from the context is left out)."""
        keys: list[str | None]
        if isinstance(item, Relation):
            other = (
                self.claim(item.other_claim_id)
                if item.other_claim_id is not None
                else self.article(item.other_article_id)
                if item.other_article_id is not None
                else None
            )
            keys = [self.claim(item.claim_id), other]
        elif isinstance(item, Claim):
            keys = [text_key(item.text), self.article(item.article_id) if item.article_id else None]
        else:  # pragma: no cover - Item is a closed union
            keys = []
        return tuple(k for k in keys if k is not None)


@dataclass(frozen=True, slots=True)
class FitTexts:
    """What a fitting dataset's items of one task contain: whole items' texts, and every single text."""

    items: frozenset[tuple[str, ...]]
    texts: frozenset[str]


def fit_texts(items: Iterable[Item], context: Context) -> FitTexts:
    """The texts of the fitted ``items`` (with their ``context``), for :func:`screen`."""
    keys = _Keys(context)
    whole: set[tuple[str, ...]] = set()
    single: set[str] = set()
    for item in items:
        found = keys.of(item)
        if found:
            whole.add(found)
            single.update(found)
    return FitTexts(frozenset(whole), frozenset(single))


@dataclass(frozen=True, slots=True)
class Screening:
    """One evaluated dataset against one fitting dataset."""

    items: int
    """Evaluated items screened."""
    leaked: tuple[str, ...]
    """Ids of evaluated items whose texts are all those of one fitted item (in order)."""
    shared: int
    """Evaluated items (leaked ones included) with at least one text that occurs in the fitting data."""

    @property
    def share(self) -> float:
        """``shared / items`` (0 when nothing was screened)."""
        return self.shared / self.items if self.items else 0.0


def screen(fitted: FitTexts, chunks: Iterable[Iterable[Item]], context: Context) -> Screening:
    """Screen the evaluated items (given in chunks, so that a streamed dataset need not be held)."""
    keys = _Keys(context)
    n = shared = 0
    leaked: list[str] = []
    for item in _flatten(chunks):
        n += 1
        found = keys.of(item)
        if found and found in fitted.items:
            leaked.append(item.id)
        if any(k in fitted.texts for k in found):
            shared += 1
    return Screening(items=n, leaked=tuple(leaked), shared=shared)


def _flatten(chunks: Iterable[Iterable[Item]]) -> Iterator[Item]:
    for chunk in chunks:
        yield from chunk
