"""Segregation of duties for people with several roles (DESIGN §1, §5): whoever filed, approved a step
of or applied a request takes none of its other steps — the service refuses, and the request page does
not offer it. Ops applies but never approves: the apply step is the ops role's only step.

Each case: a person holding two roles takes the earlier step (or, as the control, someone else does),
other people take the steps between, and the person then tries the later step.
"""

import pytest

from accounts.models import Role
from approvals import selectors
from approvals import services as requests
from approvals.access import may_apply, may_decide
from approvals.models import Request
from core.errors import NotAllowed
from tests.builders import make_user

from .conftest import JUSTIFICATION

STEPS = ["file", "cco", "finance", "apply"]  # an exception's steps, in order (DESIGN §5)
ROLE_OF = {"file": Role.CSVP, "cco": Role.CCO, "finance": Role.FINANCE, "apply": Role.OPS}
COMBOS = [
    ("file", "cco"),  # csvp+cco
    ("file", "finance"),  # csvp+finance
    ("file", "apply"),  # csvp+ops: the filer applying
    ("cco", "finance"),  # cco+finance
    ("cco", "apply"),  # ops+cco: an approver applying
    ("finance", "apply"),  # ops+finance
]
CASES = [
    pytest.param(
        earlier,
        later,
        took_part,
        id=f"{ROLE_OF[earlier]}+{ROLE_OF[later]}-{'took' if took_part else 'other'}-{earlier}",
    )
    for earlier, later in COMBOS
    for took_part in (True, False)
]


def take(step: str, person, world, request=None) -> Request:
    if step == "file":
        return requests.file_request(
            user=person,
            kind="exception",
            customer=world["customer"],
            period=world["period"],
            value="1.1",
            justification=JUSTIFICATION,
        )
    if step == "apply":
        return requests.apply(request=request, user=person)
    return requests.approve(request=request, user=person, comment="Checked the telemetry gap.")


@pytest.mark.django_db
@pytest.mark.parametrize(("earlier", "later", "took_part"), CASES)
def test_one_person_takes_one_step_of_a_request(world, others, earlier, later, took_part):
    person = make_user(ROLE_OF[earlier], ROLE_OF[later], geo="AMER", email="two.roles@example.com")
    stand_in = {
        "file": others["filer"],
        "cco": others["cco"],
        "finance": others["finance"],
        "apply": others["ops"],
    }
    request = None
    for step in STEPS[: STEPS.index(later)]:
        actor = person if (step == earlier and took_part) else stand_in[step]
        request = take(step, actor, world, request)

    offered = selectors.actions_for(request, person)
    right = may_apply(person, request) if later == "apply" else may_decide(person, request)
    if took_part:
        assert not right and "segregation of duties" in right.reason
        assert not (offered.decide or offered.apply)
        with pytest.raises(NotAllowed, match="segregation of duties"):
            take(later, person, world, request)
        assert Request.objects.get(pk=request.pk).status == request.status
    else:
        assert right
        assert offered.apply if later == "apply" else offered.decide
        before = request.status
        assert take(later, person, world, request).status != before


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [(Role.OPS,), (Role.OPS, Role.CSVP), (Role.OPS, Role.ADMIN)])
def test_ops_never_approves(world, others, roles):
    person = make_user(*roles, geo="AMER", email="ops.person@example.com")
    request = take("file", others["filer"], world)

    assert not may_decide(person, request)
    with pytest.raises(NotAllowed, match="waits for cco"):
        take("cco", person, world, request)
    request = take("cco", others["cco"], world, request)
    with pytest.raises(NotAllowed, match="waits for finance"):
        take("finance", person, world, request)
