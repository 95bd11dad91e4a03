"""A scorecard definition is validated with errors naming the field (docs/design.md §9.1)."""

import pytest

from adoption.scoring.definition import ScorecardError, parse_scorecard

from .helpers import milestone, utilisation


def card(*criteria, **extra):
    return {
        "code": "core",
        "name": "Core",
        "version": 1,
        "effective_from": "2026-01-01",
        "criteria": list(criteria),
        **extra,
    }


def test_a_valid_scorecard_parses_with_exact_thresholds():
    spec = parse_scorecard(card(milestone(weight=3), utilisation(points={"linear": [[0.6, 50], [0.9, 100]]})))
    assert [c.code for c in spec.criteria] == ["sso", "util"]
    assert str(spec.criteria[1].points.knots[0][0]) == "0.6"
    assert spec.longest_window_days == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["criteria"][0].update(weight=7),
            r"criteria\[0\].weight: must be an integer from 1 to 5, not 7",
        ),
        (lambda c: c["criteria"][0].update(weight=0), r"criteria\[0\].weight"),
        (lambda c: c["criteria"][1].update(missing="ignore"), r"criteria\[1\].missing: one of zero, exclude"),
        (lambda c: c["criteria"][1].update(missing={"rule": "last_known"}), r"criteria\[1\].missing.days"),
        (lambda c: c["criteria"][1].update(measure="nps"), r"criteria\[1\].measure: one of"),
        (lambda c: c["criteria"][1].update(points={"linear": [[0.5, 0], [0.5, 100]]}), r"rise strictly"),
        (
            lambda c: c["criteria"][1].update(points={"linear": [[0, 0], [1, 120]]}),
            r"points run from 0 to 100",
        ),
        (lambda c: c["criteria"][1].pop("points"), r"criteria\[1\].points: give either"),
        (lambda c: c["criteria"][1].update(code="sso"), r"criteria\[1\].code: 'sso' is used twice"),
        (lambda c: c.update(effective_from="30/06/2026"), r"effective_from: an ISO date"),
        (lambda c: c.update(criteria=[]), r"criteria: give at least one criterion"),
        (
            lambda c: c["criteria"][1].update(
                points={
                    "bands": [
                        {"upper": 0.5, "points": 0, "label": "Low"},
                        {"upper": 0.4, "points": 100, "label": "High"},
                    ]
                }
            ),
            r"bands must rise",
        ),
        (
            lambda c: c["criteria"][1].update(
                points={
                    "bands": [
                        {"upper": 0.5, "points": 0, "label": "Low"},
                        {"lower": 0.5, "upper": 1, "points": 1, "label": "H"},
                    ]
                }
            ),
            r"only the first band has a lower edge",
        ),
    ],
)
def test_a_faulty_scorecard_is_refused_naming_the_field(change, message):
    data = card(milestone(), utilisation())
    change(data)
    with pytest.raises(ScorecardError, match=message):
        parse_scorecard(data)


def test_feature_adoption_needs_its_features_and_thresholds():
    criterion = {
        "code": "f",
        "name": "F",
        "kind": "measure",
        "measure": "feature_adoption",
        "window_days": 30,
        "weight": 2,
        "points": {"linear": [[0, 0], [1, 100]]},
        "missing": "zero",
        "min_uses": 5,
        "min_users": 2,
    }
    with pytest.raises(ScorecardError, match=r"criteria\[0\].features"):
        parse_scorecard(card(criterion))
    spec = parse_scorecard(card({**criterion, "features": ["reports", "alerts"]}))
    assert spec.criteria[0].features == ("reports", "alerts")


def test_a_measure_without_a_missing_data_rule_is_refused_not_given_zero():
    criterion = utilisation()
    del criterion["missing"]
    with pytest.raises(ScorecardError, match=r"criteria\[1\].missing: required, one of zero, exclude"):
        parse_scorecard(card(milestone(), criterion))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(wieght=1), r"^wieght: unknown key; the known keys are code, name, version"),
        (
            lambda c: c["criteria"][1].update(wieght=1),
            r"criteria\[1\].wieght: unknown key \(did you mean weight\?\); the known keys",
        ),
        (lambda c: c["criteria"][0].update(points={}), r"criteria\[0\].points: unknown key"),
        (lambda c: c["criteria"][1].update(window_weeks=2), r"criteria\[1\].window_weeks: unknown key"),
        (
            lambda c: c["criteria"][1].update(missing={"rule": "exclude", "dayz": 3}),
            r"criteria\[1\].missing.dayz: unknown key \(did you mean days\?\); the known keys are rule, days",
        ),
        (
            lambda c: c["criteria"][1].update(points={"linear": [[0, 0], [1, 100]], "bandz": []}),
            r"criteria\[1\].points.bandz: unknown key \(did you mean bands\?\); "
            r"the known keys are linear, bands",
        ),
        (
            lambda c: c["criteria"][1].update(
                points={"bands": [{"upper": 1, "points": 100, "label": "all", "color": "#fff"}]}
            ),
            r"criteria\[1\].points.bands\[0\].color: unknown key \(did you mean colour\?\); "
            r"the known keys are lower, ",
        ),
    ],
)
def test_an_unknown_key_at_any_level_is_refused_naming_its_path_its_near_match_and_the_known_keys(
    change, message
):
    data = card(milestone(), utilisation())
    change(data)
    with pytest.raises(ScorecardError, match=message):
        parse_scorecard(data)


@pytest.mark.parametrize("code", ["brk one", "brk/one", "brk.one", "café"])
def test_a_scorecard_code_is_letters_digits_dashes_and_underscores(code):
    with pytest.raises(ScorecardError, match=r"^code: letters, digits, - and _ only"):
        parse_scorecard(card(utilisation(), code=code))
    assert parse_scorecard(card(utilisation(), code="brk-one_2")).code == "brk-one_2"
