"""``manage.py load_plan FILE`` (DESIGN §6): a summary, or every error and a non-zero exit."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from commissions.models import Plan

from .test_load_plan import WORKED_PLAN


@pytest.mark.django_db
def test_load_plan_prints_a_summary():
    out = StringIO()
    call_command("load_plan", str(WORKED_PLAN), stdout=out)
    assert out.getvalue() == (
        "Created plan CS-FY22 (FY22, USD): 3 components ADOPTION 1, NRR 1, KPI 1; "
        "deals credited by their booking date\n"
    )
    assert Plan.objects.get().components.count() == 3


@pytest.mark.django_db
def test_load_plan_refuses_an_invalid_file_with_every_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "code: CS-FY22\nname: CS\nfiscal_year: FY22\ncurrency: USD\nwindow: 3\n"
        "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.0}\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(path))
    assert str(caught.value) == (
        "The plan is invalid:\n"
        "  - unknown key 'window'; allowed keys are code, name, fiscal_year, currency, credit_date, "
        "credit_date_by_type, "
        "new_customer_window_days, clawback_days, negative_balance, adoption, components, escalators\n"
        "  - components[0] (NRR): goal (1.0) must be greater than floor (1.0)"
    )
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_load_plan_names_a_file_it_cannot_read(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(CommandError, match=r"^Cannot read .*missing\.yaml: "):
        call_command("load_plan", str(missing))


@pytest.mark.django_db
def test_load_plan_exits_non_zero_on_refusal(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("- not a plan\n")
    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["manage.py", "load_plan", str(path)])
    assert caught.value.code != 0
    assert "bad.yaml must be a YAML mapping of plan fields" in capsys.readouterr().err


@pytest.mark.django_db
def test_load_plan_says_an_unchanged_plan_is_unchanged_in_a_year_with_a_closed_quarter():
    from .test_load_plan import calculate_and_close

    call_command("load_plan", str(WORKED_PLAN), stdout=StringIO())
    calculate_and_close("FY22-Q2", Plan.objects.get(code="CS-FY22"))  # locked: the plan closed FY22-Q2
    out = StringIO()

    call_command("load_plan", str(WORKED_PLAN), stdout=out)

    assert out.getvalue() == (
        "Plan CS-FY22 unchanged: plan.yaml says what is loaded already; nothing was written "
        "(CS-FY22 (FY22, USD): 3 components ADOPTION 1, NRR 1, KPI 1; deals credited by their booking date)\n"
    )


@pytest.mark.django_db
def test_load_plan_refuses_a_change_to_a_plan_closed_in_a_quarter_saying_what_to_do(tmp_path):
    from .test_load_plan import calculate_and_close

    call_command("load_plan", str(WORKED_PLAN), stdout=StringIO())
    calculate_and_close("FY22-Q2", Plan.objects.get(code="CS-FY22"))
    changed = tmp_path / "plan.yaml"
    changed.write_text(WORKED_PLAN.read_text().replace("Customer Success FY22", "CS FY22 renamed"))

    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(changed))
    assert str(caught.value).startswith(
        "Plan CS-FY22 cannot change: it was calculated and closed in FY22-Q2, which must keep the plan it "
        "was paid by. To change the plan, re-open FY22-Q2 with a reason"
    )
    assert str(caught.value).endswith("or load the changed plan under a new code.")
    assert Plan.objects.get().name == "Customer Success FY22"


@pytest.mark.django_db
def test_load_plan_corrects_a_new_plan_of_a_year_with_a_closed_quarter(tmp_path):
    # CD-FY27 was first loaded after FY27-Q1 closed, so no closed quarter was calculated with it.
    from .test_load_plan import close

    close("FY27-Q1")
    path = tmp_path / "plan.yaml"
    source = WORKED_PLAN.read_text().replace("CS-FY22", "CD-FY27").replace("FY22", "FY27")
    path.write_text(source)
    call_command("load_plan", str(path), stdout=StringIO())
    path.write_text(source.replace("name: Customer Success FY27", "name: Customer Success 2027"))
    out = StringIO()

    call_command("load_plan", str(path), stdout=out)

    assert out.getvalue() == (
        "Changed plan CD-FY27 (FY27, USD): 3 components ADOPTION 1, NRR 1, KPI 1; "
        "deals credited by their booking date. "
        "Changes: name 'Customer Success FY27' → 'Customer Success 2027'\n"
    )
    assert Plan.objects.get(code="CD-FY27").name == "Customer Success 2027"


@pytest.mark.django_db
def test_load_plan_says_a_file_that_only_spells_out_the_default_credit_date_is_unchanged(tmp_path):
    call_command("load_plan", str(WORKED_PLAN), stdout=StringIO())
    path = tmp_path / "plan.yaml"
    path.write_text(WORKED_PLAN.read_text() + "credit_date_by_type: {expansion: booked}\n")
    out = StringIO()

    call_command("load_plan", str(path), stdout=out)

    assert out.getvalue().startswith("Plan CS-FY22 unchanged: plan.yaml says what is loaded already")
