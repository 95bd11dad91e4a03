"""Each KPI's name and hover text on the pages are docs/kpis.md's heading and the text under it, word for
word (docs/kpis.md: "The text under each heading is what a page shows on hover")."""

import re
from decimal import Decimal
from pathlib import Path

from adoption.kpis import FeatureRule, KpiRules, kpi_codes
from dashboards.glossary import KPI_DEFINITIONS, KPI_LABELS, kpi_definition, kpi_family, kpi_label

DOC = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
HEADING = re.compile(r"^(?P<label>.+?) \(`(?P<code>\w+)`\)")


def documented() -> dict[str, tuple[str, tuple[str, ...]]]:
    """code -> (heading without the code, the paragraphs under it without Markdown emphasis)."""
    found = {}
    for section in re.split(r"^## ", DOC.read_text(), flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        if not (match := HEADING.match(heading)):
            continue
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
        plain = tuple(p.replace("**", "").replace("`", "") for p in paragraphs)
        found[match["code"]] = (match["label"], plain)
    return found


def test_every_documented_kpi_has_its_heading_as_label_and_its_text_as_definition():
    docs = documented()

    assert set(docs) == set(KPI_DEFINITIONS) == set(KPI_LABELS)
    for code, (label, paragraphs) in docs.items():
        assert KPI_LABELS[code].format(threshold="60", feature="a key feature") == label, code
        assert KPI_DEFINITIONS[code] == paragraphs, code


def test_every_computed_code_is_named_and_defined_whatever_the_settings():
    rules = KpiRules(
        utilisation_threshold=Decimal("0.625"),
        key_features=(FeatureRule(feature="reports", min_uses=3, min_users=2, weeks=4),),
    )

    codes = kpi_codes(rules)

    assert "util_below_62_5" in codes and "key_feature:reports" in codes
    for code in codes:
        assert kpi_definition(code) == "\n".join(KPI_DEFINITIONS[kpi_family(code)]), code
    assert kpi_label("util_below_62_5") == "Customers below 62.5 % utilisation"
    assert kpi_label("key_feature:reports") == (
        "Customers using key feature “reports” in the right way and frequency"
    )


def test_a_code_the_docs_do_not_define_is_shown_as_it_is():
    assert (kpi_label("nps_average"), kpi_definition("nps_average")) == ("nps_average", "")
