"""How the audit trail writes recorded values (audit/row_events.py), whatever the database."""


def test_recorded_json_writes_exact_decimals_without_padding():
    """A correction's rows keep values as text ("8.000000"): shown as the pages write numbers, exactly."""
    from audit.row_events import _unpadded

    rows = [{"employee_id": "E1", "kpi": "prs", "value": "8.000000"}, {"rate": "1.250000", "id": "10"}]
    assert _unpadded(rows) == [
        {"employee_id": "E1", "kpi": "prs", "value": "8"},
        {"rate": "1.25", "id": "10"},
    ]
