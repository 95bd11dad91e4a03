"""A bad KPI_* setting is refused at start-up naming the setting (docs/kpis.md "Settings")."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from adoption.apps import kpi_settings_check
from adoption.portfolio.inputs import KpiSettingsInvalid, kpi_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (
            "KPI_UTILISATION_THRESHOLD",
            "abc",
            "KPI_UTILISATION_THRESHOLD must be a ratio 0–1 such as 0.60; got 'abc'",
        ),
        ("KPI_UTILISATION_THRESHOLD", "60", "KPI_UTILISATION_THRESHOLD must be 0–1, not 60"),
        ("KPI_RISE_POINTS", "NaN", "KPI_RISE_POINTS must be percentage points"),
        ("KPI_RISE_DAYS", 0, "KPI_RISE_DAYS must be a whole number ≥ 1, not 0"),
        ("KPI_KEY_FEATURES", {"feature": "x"}, "KPI_KEY_FEATURES must be a JSON list"),
        ("KPI_KEY_FEATURES", [{"feature": "reports", "min_uses": 0}], "rule 1 must have exactly the keys"),
        (
            "KPI_KEY_FEATURES",
            [{"feature": "reports", "min_uses": 0, "min_users": 1, "weeks": 2}],
            "KPI_KEY_FEATURES: rule 1: reports: min_uses must be a whole number ≥ 1, not 0",
        ),
        (
            "KPI_KEY_FEATURES",
            [{"feature": "reports", "min_uses": "3", "min_users": 1, "weeks": 2}],
            "must be whole numbers",
        ),
    ],
)
def test_a_bad_kpi_setting_is_refused_naming_it(setting, value, message):
    with override_settings(**{setting: value}):
        with pytest.raises(KpiSettingsInvalid) as raised:
            kpi_rules()
        assert message in str(raised.value)
        errors = kpi_settings_check(None)
    assert [e.id for e in errors] == ["attain.E101"]
    assert message in errors[0].msg


def test_good_settings_pass_the_start_up_check():
    assert kpi_settings_check(None) == []


def test_key_features_that_are_not_json_stop_the_start_naming_the_setting():
    env = {**os.environ, "DEBUG": "1", "KPI_KEY_FEATURES": "notjson"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "KPI_KEY_FEATURES must be JSON" in done.stderr
    assert "'notjson'" in done.stderr
