"""The content-based leakage screen: refusal when a pair's texts recur, a count when one text does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claimbench.records import Article, Claim, Context, Relation
from claimbench.run.leakage import fit_texts, screen
from claimbench.text.content import normalise_text, text_key


def _pairs(prefix: str, pairs: list[tuple[str, str]]) -> tuple[list[Relation], Context]:
    claims = {f"{prefix}h{i}": Claim(id=f"{prefix}h{i}", text=h) for i, (h, _) in enumerate(pairs)}
    articles = {
        f"{prefix}b{i}": Article(id=f"{prefix}b{i}", title="t", text=b) for i, (_, b) in enumerate(pairs)
    }
    relations = [
        Relation(
            id=f"{prefix}r{i}", claim_id=f"{prefix}h{i}", other_article_id=f"{prefix}b{i}", label="agree"
        )
        for i in range(len(pairs))
    ]
    return relations, Context(articles=articles, claims=claims)


FIT = [("Cat saves dog", "A cat saved a dog today."), ("Moon is cheese", "Scientists deny it.")]


def test_same_texts_under_other_ids_leak() -> None:
    fitted = fit_texts(*_pairs("f", FIT))
    items, context = _pairs("e", [("cat  SAVES dog", "A cat saved a dog today."), ("New", "Other.")])
    result = screen(fitted, [items], context)
    assert result.leaked == ("er0",)  # case and spacing do not hide a text
    assert (result.items, result.shared) == (2, 1)


def test_one_shared_text_is_contamination_not_leak() -> None:
    fitted = fit_texts(*_pairs("f", FIT))
    items, context = _pairs(
        "e", [("Cat saves dog", "Another body."), ("Other", "Scientists deny it."), ("x", "y")]
    )
    result = screen(fitted, [items[:1], items[1:]], context)
    assert result.leaked == ()
    assert result.shared == 2
    assert result.share == 2 / 3


def test_swapped_texts_are_not_the_same_item() -> None:
    fitted = fit_texts(*_pairs("f", FIT))
    items, context = _pairs("e", [("A cat saved a dog today.", "Cat saves dog")])
    result = screen(fitted, [items], context)
    assert result.leaked == ()
    assert result.shared == 1


def test_same_ids_other_texts_are_no_leak() -> None:
    fitted = fit_texts(*_pairs("x", FIT))
    items, context = _pairs("x", [("Different", "Entirely.")])
    assert screen(fitted, [items], context).shared == 0


def test_claims_are_screened_with_their_article() -> None:
    article = Article(id="a", title="t", text="Ten people were hurt.")
    fit = [Claim(id="c1", text="Ten hurt", article_id="a")]
    fitted = fit_texts(fit, Context(articles={"a": article}))
    other = Article(id="a", title="t", text="Another text.")
    same_claim = [Claim(id="z", text="ten hurt", article_id="a")]
    assert screen(fitted, [same_claim], Context(articles={"a": article})).leaked == ("z",)
    again = screen(fitted, [same_claim], Context(articles={"a": other}))
    assert (again.leaked, again.shared) == ((), 1)


@given(st.text(max_size=40))
def test_normal_form_is_idempotent_and_keys_follow_it(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert text_key(text) == text_key(once)
