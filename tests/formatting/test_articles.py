"""A sentence built from a name (a deal type, a correction kind, a type) takes the article its sound asks
for: "an expansion", "a renewal" (``core.formatting.with_article``)."""

import pytest

from commissions.engine.types import DEAL_TYPES
from commissions.models import Correction
from core import formatting as fmt


@pytest.mark.parametrize(
    "word, written",
    [
        ("expansion", "an expansion"),
        ("adjustment", "an adjustment"),
        ("ownership", "an ownership"),
        ("int", "an int"),
        ("renewal", "a renewal"),
        ("contraction", "a contraction"),
        ("churn", "a churn"),
        ("deal", "a deal"),
        ("NRR", "an NRR"),
        ("FX rate", "an FX rate"),
        ("KPI", "a KPI"),
        ("user", "a user"),
        ("unit", "a unit"),
        ("one-off", "a one-off"),
        ("hour", "an hour"),
    ],
)
def test_a_word_takes_the_article_of_its_sound(word, written):
    assert fmt.with_article(word) == written


def test_a_sentence_starts_with_a_capital_article_and_keeps_the_word_as_written():
    assert fmt.with_article("expansion", capital=True) == "An expansion"
    assert fmt.with_article("KPI", capital=True) == "A KPI"


def test_every_deal_type_and_every_kind_a_correction_file_refuses_reads_right():
    from commissions.services.corrections import FILE_KINDS

    refused = [kind for kind in Correction.Kind.values if kind not in FILE_KINDS]
    written = {word: fmt.with_article(word) for word in (*DEAL_TYPES, *refused)}
    assert written == {
        "renewal": "a renewal",
        "expansion": "an expansion",
        "contraction": "a contraction",
        "churn": "a churn",
        "adjustment": "an adjustment",
        "clawback": "a clawback",
    }
