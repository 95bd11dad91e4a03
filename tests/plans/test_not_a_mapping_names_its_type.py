"""A plan file that is not a mapping is refused naming what it is, with the article of its sound: "an
int", "a list" (``core.formatting.with_article``)."""

import pytest

from commissions.services.plans import parse_plan
from core.errors import PlanInvalid

REFUSAL = "the plan must be a YAML mapping of plan fields (code, name, …), but it is "


@pytest.mark.parametrize(
    "source, kind",
    [("5\n", "an int"), ("- a\n- b\n", "a list"), ("just words\n", "a str"), ("1.5\n", "a Decimal")],
)
def test_a_document_that_is_not_a_mapping_names_its_type_with_its_article(source, kind):
    with pytest.raises(PlanInvalid) as refused:
        parse_plan(source)

    assert refused.value.errors == [REFUSAL + kind]
