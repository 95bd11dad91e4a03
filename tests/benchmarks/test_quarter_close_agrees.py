"""The quarter-close benchmark in CI, at size S and not timed: it calls the same functions as
``benchmarks/quarter_close.py`` and holds that the engine's runs, the payroll export, the in-memory
lower bound and the per-customer ORM loop agree to the cent for every CSM and plan."""

import sys
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="the quarter-close benchmark is PostgreSQL only (COPY, advisory locks); CI runs it there",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def benchmark():
    """The benchmark's modules, imported the way the script imports them (benchmarks/ on the path)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import company
        import quarter_close

        yield company, quarter_close
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_size_s_engine_export_lower_bound_and_orm_loop_agree_to_the_cent(benchmark, tmp_path):
    company, quarter_close = benchmark
    company.write_company(size=company.SIZES["S"], seed=1, directory=tmp_path)
    quarter_close.load_company(tmp_path)

    figures = quarter_close.close_quarter(directory=tmp_path)
    run_ids = [plan["run_id"] for plan in figures["plans"].values()]
    _, agreed = quarter_close.agree(directory=tmp_path, run_ids=run_ids, orm_loop=True)

    assignments = pd.read_csv(tmp_path / "assignments.csv")
    assert set(figures["plans"]) == set(company.PLAN_CODES)
    assert agreed["compared"] == ["engine", "export", "lower_bound", "orm_loop"]
    assert agreed["disagreements"] == []
    assert agreed["agree"] == agreed["keys"] == len(assignments.drop_duplicates(["employee_id", "plan"]))
    for code, sums in agreed["sums"].items():
        assert len(set(sums.values())) == 1, code
        assert float(sums["engine"]) > 0, f"{code} pays nothing: the comparison would prove little"
