"""The table of tasks (records.TASKS): what every module reads instead of testing task names."""

from __future__ import annotations

import pytest

from claimbench.records import (
    NUMERIC_CONSISTENCY,
    SOURCE_AGREEMENT,
    TASKS,
    Claim,
    GoldLabel,
    Relation,
    claim_from_json,
    gold_label,
    item_cluster,
    task_info,
    to_json,
)
from tests.conftest import tiny_records


def test_every_task_has_one_row_that_names_it() -> None:
    assert list(TASKS) == [NUMERIC_CONSISTENCY, SOURCE_AGREEMENT]
    for name, info in TASKS.items():
        assert info.name == name
        assert info.null_label in info.labels
    assert (TASKS[NUMERIC_CONSISTENCY].kind, TASKS[NUMERIC_CONSISTENCY].file) == ("claim", "claims")
    assert (TASKS[SOURCE_AGREEMENT].kind, TASKS[SOURCE_AGREEMENT].file) == ("relation", "relations")


def test_an_unknown_task_is_named_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown task 'nope'; known: numeric_consistency, source_agreement"):
        task_info("nope")
    assert gold_label("nope", Claim(id="c", text="t")) is None


def test_gold_labels_read_from_records_and_objects_agree() -> None:
    records = tiny_records()
    for info in TASKS.values():
        for record in records[info.file]:
            item = info.item(record)
            assert info.gold(record) == info.gold_of(item) == gold_label(info.name, item)
            assert info.gold(to_json(item)) == info.gold(record)
    unlabelled = Claim(id="c9", text="no gold")
    assert TASKS[NUMERIC_CONSISTENCY].gold_of(unlabelled) is None
    assert TASKS[NUMERIC_CONSISTENCY].gold(to_json(unlabelled)) is None
    labelled = Claim(id="c9", text="t", numeric_consistency=GoldLabel("inconsistent", "why"))
    assert TASKS[NUMERIC_CONSISTENCY].gold_of(labelled) == "inconsistent"
    assert TASKS[SOURCE_AGREEMENT].gold_of(labelled) is None  # an item of another kind has none


def test_clusters_from_records_and_objects_agree() -> None:
    records = tiny_records()
    claims = {r["id"]: claim_from_json(r) for r in records["claims"]}

    def article_of(claim_id: str) -> str | None:
        return claims[claim_id].article_id if claim_id in claims else None

    for info in TASKS.values():
        for record in records[info.file]:
            assert info.cluster(record, article_of) == item_cluster(info.item(record), claims)
    body = Relation(id="r9", claim_id="c1", other_article_id="a7", label="discuss")
    assert item_cluster(body, claims) == "a7"
    assert (
        item_cluster(Relation(id="r8", claim_id="gone", other_claim_id="c1", label="agree"), claims) == "r8"
    )
    assert item_cluster(Claim(id="c8", text="standalone"), claims) == "c8"
