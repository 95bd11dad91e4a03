"""``seed_demo``: the demo company's shape, idempotence, determinism and the DEBUG-only passwords."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory, TestCase, override_settings

from accounts.models import Role, User
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from commissions.models import Assignment, Deal, FxRate, KpiActual, Plan
from core.calendar import FiscalCalendar, FiscalYear
from demo.company import DEMO_PASSWORD, build_demo

TODAY = date(2024, 11, 20)  # FY25-Q4 with a February start: Q1–Q3 have ended
FY = "FY25"
CAL = FiscalCalendar(2)


def seed(**settings) -> str:
    out = StringIO()
    with override_settings(**settings):
        call_command("seed_demo", "--today", TODAY.isoformat(), stdout=out)
    return out.getvalue()


def snapshot_counts() -> dict[str, int]:
    models = (
        User,
        Customer,
        Ownership,
        ArrRecord,
        ScoreObservation,
        Deal,
        KpiActual,
        FxRate,
        TargetLine,
        Plan,
    )
    return {model.__name__: model.objects.count() for model in (*models, Assignment)}


@override_settings(FISCAL_YEAR_START_MONTH=2, BASE_CURRENCY="USD")
class SeededDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = seed(DEBUG=True)

    def csms(self):
        return User.objects.filter(roles__role=Role.CSM).select_related("manager")

    def test_three_geos_with_four_csms_each_managed_by_their_geo_csvp(self):
        csms = list(self.csms())
        assert len(csms) == 12
        assert Counter(csm.geo for csm in csms) == {"AMER": 4, "EMEA": 4, "APAC": 4}
        for csm in csms:
            assert csm.manager.has_role(Role.CSVP)
            assert csm.manager.geo == csm.geo
        csvps = User.objects.filter(roles__role=Role.CSVP)
        assert sorted(csvps.values_list("geo", flat=True)) == ["AMER", "APAC", "EMEA"]
        assert all(csvp.manager.has_role(Role.CCO) for csvp in csvps)

    def test_every_role_has_a_demo_login_with_the_demo_password_in_debug(self):
        for role in Role.values:
            assert User.objects.filter(roles__role=role).exists(), role
            assert f"\n  {role} " in self.output
        assert self.output.count(DEMO_PASSWORD) >= len(Role.values)
        csm_email = next(line.split()[1] for line in self.output.splitlines() if line.startswith("  csm "))
        request = RequestFactory().post("/accounts/login/")  # django-axes checks sign-ins against a request
        assert authenticate(request, username=csm_email, password=DEMO_PASSWORD) is not None

    def test_staff_and_superuser_flags_follow_the_role(self):
        for user in User.objects.prefetch_related("roles"):
            roles = {r.role for r in user.roles.all()}
            assert user.is_staff == bool(roles & {"cco", "finance", "ops", "admin"}), user
            assert user.is_superuser == ("admin" in roles), user
            assert user.email.endswith("@demo.attain.example")

    def test_employee_ids_and_users_without_a_demo_login_cannot_sign_in(self):
        employee_ids = list(User.objects.exclude(employee_id=None).values_list("employee_id", flat=True))
        assert len(employee_ids) == 18 and all(e.startswith("E1") for e in employee_ids)
        logins = {line.split()[1] for line in self.output.splitlines() if DEMO_PASSWORD in line.split()[-1:]}
        assert len(logins) == len(Role.values)
        for user in User.objects.exclude(email__in=logins):
            assert not user.has_usable_password()

    def test_about_three_hundred_customers_across_geos_segments_and_ages(self):
        customers = list(Customer.objects.all())
        assert len(customers) == 300
        assert set(Counter(c.geo for c in customers)) == {"AMER", "EMEA", "APAC"}
        assert set(Counter(c.segment for c in customers)) == {"enterprise", "mid", "smb"}
        new = [c for c in customers if c.start_date > TODAY - timedelta(days=90)]
        assert len(new) == 15
        assert sum(c.start_date < TODAY - timedelta(days=365) for c in customers) == 285
        assert customers[0].customer_id == "CUST-0001"

    def test_every_customer_is_owned_in_its_geo_and_some_moved_during_the_year(self):
        rows = defaultdict(list)
        for row in Ownership.objects.select_related("customer", "employee"):
            rows[row.customer_id].append(row)
            assert row.employee.geo == row.customer.geo
            assert row.employee.has_role(Role.CSM)
        assert len(rows) == 300
        moved = [r for r in rows.values() if len(r) == 2]
        assert 5 <= len(moved) <= 40
        for first, second in (sorted(r, key=lambda o: o.start_date) for r in moved):
            assert first.employee_id != second.employee_id
            assert TODAY - timedelta(days=365) < second.start_date < TODAY

    def test_a_year_of_weekly_scores_trending_with_a_few_missing_recent_ones(self):
        by_customer = defaultdict(list)
        for customer_id, as_of, score in ScoreObservation.objects.values_list(
            "customer_id", "as_of", "score"
        ):
            by_customer[customer_id].append((as_of, score))
        assert 14_000 <= sum(len(v) for v in by_customer.values()) <= 15_600
        assert sum(len(v) == 52 for v in by_customer.values()) > 250
        first_week = TODAY - timedelta(weeks=51)
        stale = 0
        for rows in by_customer.values():
            rows.sort()
            days = [day for day, _ in rows]
            assert days[0] >= first_week and days[-1] <= TODAY
            assert all((b - a).days == 7 for a, b in zip(days, days[1:], strict=False))
            for _, score in rows:
                assert isinstance(score, Decimal) and Decimal(0) <= score <= Decimal(100)
                assert -score.as_tuple().exponent <= 2
            stale += days[-1] < TODAY - timedelta(days=7)
        assert 3 <= stale <= 40  # a few with missing recent scores, and the churned customers
        trends = [rows[-1][1] - rows[0][1] for rows in by_customer.values() if len(rows) == 52]
        assert sum(t > 5 for t in trends) > 30 and sum(t < -5 for t in trends) > 30

    def test_arr_in_usd_and_euro_for_emea_changing_with_deals(self):
        currencies = defaultdict(set)
        for row in ArrRecord.objects.select_related("customer"):
            currencies[row.customer.customer_id].add((row.currency, row.customer.geo))
            assert row.arr >= 0
        assert len(currencies) == 300
        assert all(len(c) == 1 for c in currencies.values())
        pairs = {pair for c in currencies.values() for pair in c}
        assert ("EUR", "EMEA") in pairs and ("USD", "EMEA") in pairs
        assert {geo for cur, geo in pairs if cur == "EUR"} == {"EMEA"}
        assert ArrRecord.objects.count() > 300

    def test_deals_of_every_type_in_two_currencies_with_correct_signs(self):
        deals = list(Deal.objects.select_related("customer"))
        kinds = {(d.type, d.currency) for d in deals}
        assert kinds == {(t, c) for t in Deal.Type.values for c in ("USD", "EUR")}
        for deal in deals:
            if deal.type == "expansion":
                assert deal.arr_delta > 0
            elif deal.type in ("contraction", "churn"):
                assert deal.arr_delta < 0
            currency = deal.customer.arr_records.values_list("currency", flat=True).first()
            assert deal.currency == currency
            # The deal's effect shows in the ARR history as of its effective date.
            assert deal.customer.arr_records.filter(as_of=deal.effective_on).exists()
        assert any(d.booked_on != d.effective_on for d in deals)
        assert any(d.booked_on == d.effective_on for d in deals)

    def test_fx_for_every_quarter_the_year_and_the_deals_need(self):
        rates = {(p, c): r for p, c, r in FxRate.objects.values_list("period", "currency", "rate")}
        needed = set(FiscalYear(2024).quarters() + FiscalYear(2025).quarters())
        needed |= {
            CAL.period_of(d) for deal in Deal.objects.all() for d in (deal.booked_on, deal.effective_on)
        }
        for period in needed:
            assert rates[(period.code, "USD")] == 1
            assert Decimal("1.08") <= rates[(period.code, "EUR")] <= Decimal("1.12")

    def test_kpis_per_csm_for_each_ended_quarter_and_the_running_one(self):
        rows = set(KpiActual.objects.values_list("period", "employee__employee_id", "kpi"))
        for csm in self.csms():
            for quarter in ("Q1", "Q2", "Q3", "Q4"):
                assert (f"{FY}-{quarter}", csm.employee_id, "prs") in rows
                assert (f"{FY}-{quarter}", csm.employee_id, "qbrs") in rows
        ended = KpiActual.objects.filter(kpi="prs", period__in=["FY25-Q1", "FY25-Q2", "FY25-Q3"])
        assert all(4 <= v <= 16 for v in ended.values_list("value", flat=True))

    def test_snapshot_is_approved_by_the_cco_with_consistent_baselines(self):
        # This year's snapshot is approved; next year's is a draft for the CCO to review (demo/snapshot.py).
        assert set(Snapshot.objects.values_list("fiscal_year", "status")) == {
            (FY, Snapshot.Status.APPROVED),
            ("FY26", Snapshot.Status.DRAFT),
        }
        snapshot = Snapshot.objects.get(fiscal_year=FY)
        assert snapshot.fiscal_year == FY and snapshot.is_frozen
        assert snapshot.approved_by.has_role(Role.CCO)
        lines = list(snapshot.lines.all())
        assert len(lines) == 300 * 4
        per_customer = defaultdict(list)
        for line in lines:
            per_customer[line.customer_id].append(line)
        assert len(per_customer) == 300
        for customer_lines in per_customer.values():
            assert sorted(line.period for line in customer_lines) == [f"{FY}-Q{q}" for q in range(1, 5)]
            assert len({line.baseline_score for line in customer_lines}) == 1
        with_target = [line for line in lines if line.target_score is not None]
        assert 0 < len(lines) - len(with_target) < 200
        assert sum(line.target_score >= line.baseline_score for line in with_target) > 0.9 * len(with_target)

    def test_thirds_plan_and_fifty_fifty_plan(self):
        thirds = Plan.objects.get(code=f"CS-{FY}")
        components = {c.code: c for c in thirds.components.all()}
        assert list(components) == ["ADOPTION", "NRR", "KPI"]
        assert len({c.weight for c in components.values()}) == 1
        assert (components["NRR"].goal, components["NRR"].floor) == (Decimal("1.10"), 1)
        assert (components["KPI"].kpi, components["KPI"].goal, components["KPI"].cap) == ("prs", 10, 1)
        assert components["ADOPTION"].cap == 1
        fifty = Plan.objects.get(code=f"CS-NRR-{FY}")
        assert [(c.metric, c.weight) for c in fifty.components.all()] == [("nrr", 50), ("kpi", 50)]
        assert {thirds.fiscal_year, fifty.fiscal_year} == {FY}
        assert f"code: CS-{FY}" in thirds.source

    def test_assignments_cover_the_year_without_overlap(self):
        start, end = CAL.year_bounds(FiscalYear(2025))
        assignments = list(Assignment.objects.select_related("plan"))
        assert Counter(a.plan.code for a in assignments) == {f"CS-{FY}": 8, f"CS-NRR-{FY}": 4}
        assert Counter(a.employee_id for a in assignments).most_common(1)[0][1] == 1
        assert {a.employee_id for a in assignments} == {csm.pk for csm in self.csms()}
        for a in assignments:
            assert (a.start_date, a.end_date) == (start, end)
            assert Decimal("3000") <= a.on_target_amount <= Decimal("6000")
        assert sum(a.nrr_goal is not None or a.kpi_goal is not None for a in assignments) == 2

    def test_the_database_holds_exactly_the_planned_data(self):
        data = build_demo(today=TODAY, seed=7, cal=CAL)
        planned = {(c.customer_id, day, score) for c in data.customers for day, score in c.scores}
        stored = set(ScoreObservation.objects.values_list("customer__customer_id", "as_of", "score"))
        assert stored == planned
        assert set(Deal.objects.values_list("deal_id", "arr_delta")) == {
            (d.deal_id, d.arr_delta) for d in data.deals
        }

    def test_a_second_run_changes_nothing(self):
        before = snapshot_counts()
        scores = list(ScoreObservation.objects.values_list("pk", "score"))
        output = seed(DEBUG=True)
        assert "already seeded" in output
        assert DEMO_PASSWORD in output
        assert snapshot_counts() == before
        assert list(ScoreObservation.objects.values_list("pk", "score")) == scores


@override_settings(FISCAL_YEAR_START_MONTH=2, BASE_CURRENCY="USD")
class SeedWithoutDebugTests(TestCase):
    def test_no_password_is_set_or_printed_without_debug(self):
        # A superuser made with createsuperuser beforehand does not stand in the way.
        User.objects.create_superuser("me@example.com", password="my own password 123")
        output = seed(DEBUG=False)
        assert "Seeded the demo company for FY25" in output
        assert DEMO_PASSWORD not in output
        assert "changepassword" in output
        assert not any(u.has_usable_password() for u in User.objects.exclude(email="me@example.com"))
        # Turning DEBUG on later does not reveal a password that was never set.
        again = seed(DEBUG=True)
        assert "already seeded" in again and DEMO_PASSWORD not in again

    def test_refuses_a_database_that_already_holds_clashing_data(self):
        Customer.objects.create(customer_id="CUST-0001", name="Real", geo="AMER", start_date=date(2020, 1, 1))
        with pytest.raises(CommandError, match="fresh database"):
            seed(DEBUG=True)
        assert User.objects.count() == 0


def test_build_demo_is_deterministic_and_depends_on_the_seed():
    first = build_demo(today=TODAY, seed=7, cal=CAL)
    assert build_demo(today=TODAY, seed=7, cal=CAL) == first
    other = build_demo(today=TODAY, seed=8, cal=CAL)
    assert other.customers != first.customers
    assert other.people == first.people


@pytest.mark.parametrize(
    ("start_month", "today", "fiscal_year"), [(1, date(2024, 3, 5), "FY24"), (7, date(2024, 8, 1), "FY25")]
)
def test_build_demo_follows_the_fiscal_calendar(start_month, today, fiscal_year):
    data = build_demo(today=today, seed=7, cal=FiscalCalendar(start_month))
    assert data.fiscal_year.code == fiscal_year
    assert set(data.customers[0].targets) == {f"{fiscal_year}-Q{q}" for q in range(1, 5)}
    start, end = FiscalCalendar(start_month).year_bounds(data.fiscal_year)
    assert all((a.start_date, a.end_date) == (start, end) for a in data.assignments)
    assert {d.type for d in data.deals} == set(Deal.Type.values)
    assert {period for period, *_ in data.kpis} == {f"{fiscal_year}-Q1"}


def test_build_demo_quotes_fx_in_the_base_currency():
    data = build_demo(today=TODAY, seed=7, cal=CAL, base_currency="EUR")
    assert all(rate == 1 for _, currency, rate in data.fx if currency == "EUR")
    assert all(
        Decimal("0.89") <= rate <= Decimal("0.93") for _, currency, rate in data.fx if currency == "USD"
    )
