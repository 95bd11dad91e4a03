"""The audit trail lists each SPIFF step (who, the step, status before → after, the comment) on both
databases, and the awards written (docs/design.md §11.3)."""

from datetime import date
from decimal import Decimal

from commissions.models import PersonMetric
from incentives.services.awards import award_spiff, grant_spiff
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff
from tests.builders import assign_plan
from tests.spiffs.conftest import approved, rule_spiff

from .conftest import as_, change, trail


def test_each_step_of_a_spiff_is_listed_with_who_and_the_status_it_moved_to(ops, cco):
    with as_(ops):
        spiff = propose_spiff(spiff=rule_spiff(ops), user=ops, comment="For May's login push")
    with as_(cco):
        approve_spiff(spiff=spiff, user=cco, comment="Within the quarter's budget")

    steps = [e for e in trail(object_type="spiff") if e.action[0].isupper()]  # SPIFF steps, not row events

    assert [(e.action, e.who, change(e, "status"), e.note) for e in steps] == [
        ("Approved by the CCO", "cco@example.com", ("proposed", "approved"), "Within the quarter's budget"),
        ("Proposed", "ops@example.com", ("draft", "proposed"), "For May's login push"),
        ("Created", "ops@example.com", ("", "draft"), ""),
    ]
    assert {(e.object_type, e.object_label, e.object_id) for e in steps} == {
        ("SPIFF", "logins-may", str(spiff.pk))
    }


def test_a_grant_step_names_the_grant(ops, cco, csm):
    assign_plan(csm)
    spiff = approved(
        create_spiff(
            user=ops,
            code="saves",
            name="Saves",
            start=date(2021, 5, 1),
            end=date(2021, 5, 31),
            currency="USD",
            kind="manual",
            budget="500.00",
        ),
        ops,
        cco,
    )
    grant = grant_spiff(
        spiff=spiff, employee=csm, amount="75.00", day=date(2021, 5, 12), reason="Saved ACME", user=ops
    )

    [step] = [e for e in trail(object_type="spiff", search="saves") if e.action == "Granted by hand"]

    assert change(step, "grant") == ("", f"#{grant.pk} 75.00 USD to csm@example.com on 2021-05-12")
    assert step.note == "Saved ACME"


def test_the_filters_narrow_the_steps_by_person_search_and_date(ops, cco):
    with as_(ops):
        spiff = propose_spiff(spiff=rule_spiff(ops), user=ops)
    with as_(cco):
        approve_spiff(spiff=spiff, user=cco)

    assert {e.who for e in trail(object_type="spiff", person="cco@")} == {"cco@example.com"}
    assert trail(object_type="spiff", search="no-such-spiff") == []
    assert trail(object_type="spiff", date_to=date(2000, 1, 1)) == []
    assert trail(object_type="points_rule", search="logins-may") == []


def test_an_award_written_by_the_rule_is_listed(ops, cco, csm):
    assign_plan(csm)
    spiff = approved(rule_spiff(ops, people=[csm]), ops, cco)
    PersonMetric.objects.create(employee=csm, date=date(2021, 5, 3), metric="login_rate", value=Decimal(95))
    award_spiff(spiff, date(2021, 5, 31))

    [award] = trail(object_type="spiff_award")

    assert (award.object_type, award.object_label) == (
        "SPIFF award",
        "logins-may · csm@example.com · 2021-05-03",
    )
    assert change(award, "amount")[1].startswith("40.00")
    assert change(award, "status") == ("", "approved")


def test_an_award_of_the_nightly_job_names_the_job(ops, cco, csm):
    from incentives.tasks import award_spiffs

    from .conftest import ON_POSTGRES

    assign_plan(csm)
    approved(rule_spiff(ops, people=[csm]), ops, cco)
    PersonMetric.objects.create(employee=csm, date=date(2021, 5, 3), metric="login_rate", value=Decimal(95))
    award_spiffs(today="2021-05-04")

    [award] = trail(object_type="spiff_award")
    [step] = [e for e in trail(object_type="spiff") if e.action == "Rule awarded"]

    assert award.who == ("task award_spiffs" if ON_POSTGRES else "(rule run)")
    assert (step.who, step.note) == ("(the schedule)", "1 qualifying events to 2021-05-03: 40.00 USD funded.")
