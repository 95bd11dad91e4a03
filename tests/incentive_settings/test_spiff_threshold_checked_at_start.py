"""docs/design.md §11.3: ``SPIFF_FINANCE_APPROVAL_ABOVE`` is money in the base currency; a bad value stops
the start-up check naming the setting (attain.E102) instead of failing a SPIFF's approval later."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from incentives.apps import spiff_settings_check

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", ["ten thousand", "-1", "NaN", "Infinity", ""])
def test_a_bad_threshold_is_an_error_naming_the_setting(value):
    with override_settings(SPIFF_FINANCE_APPROVAL_ABOVE=value):
        errors = spiff_settings_check(None)
    assert [e.id for e in errors] == ["attain.E102"]
    assert "SPIFF_FINANCE_APPROVAL_ABOVE must be an amount of money" in errors[0].msg
    assert repr(value) in errors[0].msg


@pytest.mark.parametrize("value", ["0", "10000.00", "2500"])
def test_a_good_threshold_passes(value):
    with override_settings(SPIFF_FINANCE_APPROVAL_ABOVE=value):
        assert spiff_settings_check(None) == []


def test_manage_py_check_stops_on_a_bad_threshold():
    env = {**os.environ, "DEBUG": "1", "SPIFF_FINANCE_APPROVAL_ABOVE": "lots"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "attain.E102" in done.stderr and "SPIFF_FINANCE_APPROVAL_ABOVE" in done.stderr
