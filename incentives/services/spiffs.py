"""A SPIFF's life: drafted, proposed, approved (CCO, and finance above a budget), rejected, closed
(docs/design.md §11.3). Each step locks the SPIFF's row, checks its status and version (compare-and-set)
and records a ``SpiffEvent``; rights come from ``accounts.access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts import access
from accounts.models import Role, User
from commissions.closed import closed_quarters
from commissions.models import FxRate
from commissions.services.person_metrics import MetricUnavailable, check_metric_code
from core.currencies import is_currency
from core.errors import MissingFxRate, NotAllowed
from core.fiscal import calendar

from ..errors import SpiffInvalid, WrongStatus
from ..models import Spiff, SpiffAward, SpiffEvent

CENT = Decimal("0.01")


def finance_threshold() -> Decimal:
    """``SPIFF_FINANCE_APPROVAL_ABOVE`` as money in the base currency; ``SpiffInvalid`` when it is none."""
    raw = str(settings.SPIFF_FINANCE_APPROVAL_ABOVE)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise SpiffInvalid(f"SPIFF_FINANCE_APPROVAL_ABOVE must be an amount of money, not {raw!r}.") from None
    if not value.is_finite() or value < 0:
        raise SpiffInvalid(f"SPIFF_FINANCE_APPROVAL_ABOVE must be an amount of money ≥ 0, not {raw!r}.")
    return value


def budget_in_base(spiff: Spiff) -> Decimal:
    """The budget in the base currency, at the FX rate of the quarter the SPIFF starts in (DESIGN §3 `fx`).
    Raises ``MissingFxRate`` naming the currency and quarter when that rate is not loaded."""
    if spiff.currency == settings.BASE_CURRENCY:
        return spiff.budget
    quarter = calendar().period_of(spiff.start).code
    rate = (
        FxRate.objects.filter(period=quarter, currency=spiff.currency).values_list("rate", flat=True).first()
    )
    if rate is None:
        raise MissingFxRate(
            f"No FX rate of {spiff.currency} for {quarter}: {spiff.code}'s budget cannot be compared with "
            f"SPIFF_FINANCE_APPROVAL_ABOVE ({settings.BASE_CURRENCY}). Import the rate first."
        )
    return spiff.budget * rate


def needs_finance(spiff: Spiff) -> bool:
    """Finance approves besides the CCO when the budget in the base currency is strictly above the
    threshold (docs/design.md §11.3): a budget equal to it needs the CCO only."""
    return budget_in_base(spiff) > finance_threshold()


@dataclass(frozen=True)
class BudgetUse:
    """What a SPIFF has used of its budget (money in its currency): ``awarded`` the approved amounts,
    ``pending`` grants waiting for approval (not counted), ``remaining`` = budget − awarded."""

    budget: Decimal
    awarded: Decimal
    pending: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.awarded

    @property
    def used(self) -> Decimal:
        """awarded ÷ budget, a ratio 0–1."""
        return self.awarded / self.budget


def budget_use(spiff: Spiff) -> BudgetUse:
    """The SPIFF's budget consumption: one query. The cap counts approved awards only (RULES "SPIFF
    budget")."""
    sums = SpiffAward.objects.filter(spiff=spiff).aggregate(
        awarded=Sum("amount", filter=Q(status=SpiffAward.Status.APPROVED)),
        pending=Sum("amount", filter=Q(status=SpiffAward.Status.PENDING)),
    )
    return BudgetUse(spiff.budget, sums["awarded"] or Decimal(0), sums["pending"] or Decimal(0))


def _money(value, what: str, problems: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        problems.append(f"{what} must be a decimal amount, not a float ({value!r}).")
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{what} must be an amount of money, not {value!r}.")
        return None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        problems.append(f"{what} must be an amount with at most 2 decimals, not {value}.")
        return None
    return amount


def unknown_currency(code: str) -> str:
    """The sentence refusing ``code`` as a currency: the SPIFF and reward services and forms say the same."""
    return f"{code or '(none)'} is not a currency code Attain knows (ISO 4217, such as USD or EUR)."


def create_spiff(
    *,
    user: User | None,
    code: str,
    name: str,
    start: date,
    end: date,
    currency: str,
    kind: str,
    budget,
    description: str = "",
    metric: str = "",
    threshold=None,
    amount=None,
    per: str = "",
    eligibility: str = Spiff.Eligibility.ALL,
    geo: str = "",
    people: list[User] | None = None,
) -> Spiff:
    """Draft a SPIFF (status ``draft``). Raises ``SpiffInvalid`` listing every bad value at once — among
    them a rule's metric the one reader cannot serve (``check_metric_code``: ``attainment``, an unknown
    ``kpi.<code>``, no code at all), as ``metric: …`` — and ``NotAllowed`` unless ``user`` may propose it
    (``access.may_propose_spiff``: ops, or a Geo VP for their own geo). Writes nothing when refused."""
    problems: list[str] = []
    budget_value = _money(budget, "The budget", problems)
    amount_value = _money(amount, "The amount", problems)
    if isinstance(threshold, float):
        problems.append(f"The threshold must be a decimal, not a float ({threshold!r}).")
        threshold = None
    spiff = Spiff(
        code=code,
        name=name,
        description=description,
        start=start,
        end=end,
        currency=(currency or "").upper(),
        kind=kind,
        metric=(metric or "").strip() if kind == Spiff.Kind.RULE else "",
        threshold=threshold if kind == Spiff.Kind.RULE else None,
        amount=amount_value if kind == Spiff.Kind.RULE else None,
        per=per if kind == Spiff.Kind.RULE else "",
        budget=budget_value if budget_value is not None else Decimal(0),
        eligibility=eligibility,
        geo=geo if eligibility == Spiff.Eligibility.GEO else "",
        created_by=user if user is not None else _system_user_refused(),
    )
    problems += _problems(spiff, budget_value, people)
    if problems:
        raise SpiffInvalid(
            f"SPIFF {code or '(no code)'} is invalid:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    access.require(access.may_propose_spiff(user, spiff))
    with transaction.atomic():
        spiff.save()
        if spiff.eligibility == Spiff.Eligibility.LIST:
            spiff.people.set(people or [])
        _record(spiff, SpiffEvent.Action.CREATED, user, "")
    return spiff


def _system_user_refused():
    raise SpiffInvalid("A SPIFF is drafted by a person (ops or a Geo VP): give the user.")


# The pages under /incentives/spiffs/ whose address would hide a SPIFF of that code (incentives/urls.py).
RESERVED_CODES = frozenset({"new", "mine"})


def reserved_code(code: str) -> str:
    return f"The code {code} is the address of a page: choose another."


def _problems(spiff: Spiff, budget: Decimal | None, people: list[User] | None) -> list[str]:
    problems: list[str] = []
    refused: set[str] = set()
    try:
        spiff.full_clean(exclude=["created_by", "budget"], validate_constraints=False)
    except ValidationError as exc:
        refused = set(exc.message_dict)
        problems += [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    if budget is None or budget <= 0:
        problems.append("The budget must be an amount above 0.")
    if "currency" not in refused and not is_currency(spiff.currency):
        problems.append(unknown_currency(spiff.currency))
    if spiff.start and spiff.end and spiff.end < spiff.start:
        problems.append(f"The SPIFF ends ({spiff.end}) before it starts ({spiff.start}).")
    elif spiff.start and spiff.end and (closed := all_days_closed(spiff.start, spiff.end)):
        problems.append(_all_closed(spiff, closed))
    if spiff.kind == Spiff.Kind.RULE:
        if not spiff.metric:
            problems.append("A rule SPIFF names its metric.")
        elif "metric" not in refused:
            try:  # refused now rather than by every nightly award-spiffs run (docs/design.md §11.1)
                check_metric_code(spiff.metric)
            except MetricUnavailable as exc:
                problems.append(f"metric: {exc.message}")
        if spiff.threshold is None:
            problems.append("A rule SPIFF states its threshold (a metric value ≥ it qualifies).")
        if spiff.amount is None or spiff.amount <= 0:
            problems.append("A rule SPIFF states the amount above 0 it pays per event or per person.")
        if spiff.per not in Spiff.Per.values:
            problems.append("A rule SPIFF pays per 'event' or per 'person'.")
    if spiff.code and spiff.code.lower() in RESERVED_CODES:
        problems.append(reserved_code(spiff.code))
    if spiff.eligibility == Spiff.Eligibility.GEO and not spiff.geo:
        problems.append("A SPIFF for a geo names the geo.")
    if spiff.eligibility == Spiff.Eligibility.LIST and not people:
        problems.append("A SPIFF for named people lists at least one person.")
    return problems


def eligible_people(spiff: Spiff):
    """The people a SPIFF is for: the active CSMs (of its geo), or its named people."""
    if spiff.eligibility == Spiff.Eligibility.LIST:
        return spiff.people.all()
    people = User.objects.filter(is_active=True, roles__role=Role.CSM)
    if spiff.eligibility == Spiff.Eligibility.GEO:
        people = people.filter(geo=spiff.geo)
    return people.distinct()


def _record(spiff: Spiff, action: str, user: User | None, comment: str, award=None) -> None:
    SpiffEvent.objects.create(
        spiff=spiff, award=award, action=action, user=user, comment=comment, status_after=spiff.status
    )


def _locked(spiff: Spiff, *, expected: str, version: int | None = None) -> Spiff:
    """The SPIFF's row locked for the transaction, refused (``WrongStatus``) unless in ``expected`` status
    (and at ``version`` when given: what the person saw)."""
    row = Spiff.objects.select_for_update().get(pk=spiff.pk)
    if row.status != expected or (version is not None and row.version != version):
        raise WrongStatus(
            f"{row} is {row.get_status_display().lower()} (version {row.version}): it changed meanwhile "
            f"or cannot take this step, which needs it {Spiff.Status(expected).label.lower()}."
        )
    return row


def _moved(row: Spiff, **fields) -> Spiff:
    changed = Spiff.objects.filter(pk=row.pk, status=row.status, version=row.version).update(
        version=row.version + 1, **fields
    )
    if changed != 1:  # pragma: no cover - the row is locked
        raise WrongStatus(f"{row} changed meanwhile.")
    row.refresh_from_db()
    return row


def all_days_closed(start: date, end: date) -> list[str]:
    """The codes of the closed quarters covering every day of ``start``–``end``, or ``[]`` when a day of
    it is in no closed quarter (docs/design.md §11.3: a closed quarter's SPIFF awards are frozen, so a
    SPIFF whose every day is closed could never pay)."""
    covering, day = [], start
    for quarter in closed_quarters():  # oldest first
        if quarter.end < day:
            continue
        if quarter.start > day:
            return []
        covering.append(quarter.code)
        day = quarter.end + timedelta(days=1)
        if day > end:
            return covering
    return []


def _all_closed(spiff: Spiff, codes: list[str]) -> str:
    return (
        f"Every day of the SPIFF ({spiff.start} to {spiff.end}) lies in a closed quarter "
        f"({', '.join(codes)}): nothing of it could ever be awarded. Choose days of an open quarter."
    )


def propose_spiff(*, spiff: Spiff, user: User | None, comment: str = "", version: int | None = None) -> Spiff:
    """draft → proposed, by ops or a Geo VP of its geo; records whether finance must approve too
    (``needs_finance``: may raise ``MissingFxRate``). Raises ``SpiffInvalid`` when every day of the SPIFF
    lies in a closed quarter by now (it could never pay)."""
    access.require(access.may_propose_spiff(user, spiff))
    with transaction.atomic():
        row = _locked(spiff, expected=Spiff.Status.DRAFT, version=version)
        if closed := all_days_closed(row.start, row.end):
            raise SpiffInvalid(_all_closed(row, closed))
        row = _moved(row, status=Spiff.Status.PROPOSED, proposed_by=user, needs_finance=needs_finance(row))
        _record(row, SpiffEvent.Action.PROPOSED, user, comment)
    return row


def approve_spiff(*, spiff: Spiff, user: User, comment: str = "", version: int | None = None) -> Spiff:
    """The CCO's or finance's approval of a proposed SPIFF; approved once the CCO has, and finance too when
    the budget needs it (``needs_finance``). Nobody approves what they proposed, nor both steps. Raises
    ``NotAllowed`` and ``WrongStatus`` (a ``Conflict``)."""
    access.require(access.may_approve_spiff(user, spiff))
    with transaction.atomic():
        row = _locked(spiff, expected=Spiff.Status.PROPOSED, version=version)
        step = approval_step(row, user, proposer=row.proposed_by_id, cco=row.cco_approver_id)
        fields = {"cco_approver": user} if step == "cco" else {"finance_approver": user}
        cco_done = step == "cco" or row.cco_approver_id is not None
        finance_done = step == "finance" or row.finance_approver_id is not None or not row.needs_finance
        if cco_done and finance_done:
            fields["status"] = Spiff.Status.APPROVED
        row = _moved(row, **fields)
        action = SpiffEvent.Action.APPROVED_CCO if step == "cco" else SpiffEvent.Action.APPROVED_FINANCE
        _record(row, action, user, comment)
    return row


def approval_step(target, user: User, *, proposer: int | None, cco: int | None) -> str:
    """Which approval ``user`` gives ``target`` (a SPIFF, or a grant with its SPIFF's ``needs_finance``):
    ``cco`` or ``finance``. Raises ``NotAllowed`` for the proposer, a second step by one person, or a step
    not needed or already given."""
    from core.errors import NotAllowed

    label = str(target)
    if proposer is not None and user.pk == proposer:
        raise NotAllowed(f"{user.email} may not approve {label}: they proposed it, another person approves.")
    if user.has_role(Role.CCO) and cco is None:
        return "cco"
    spiff = target if isinstance(target, Spiff) else target.spiff
    if user.has_role(Role.FINANCE) and spiff.needs_finance and target.finance_approver_id is None:
        if cco is not None and cco == user.pk:
            raise NotAllowed(f"{user.email} approved {label} as CCO: finance's approval is another person's.")
        return "finance"
    if user.has_role(Role.FINANCE) and not spiff.needs_finance:
        raise NotAllowed(
            f"{user.email} may not approve {label}: its budget is not above SPIFF_FINANCE_APPROVAL_ABOVE, "
            "so the CCO approves it alone."
        )
    raise NotAllowed(f"{user.email} may not approve {label}: their approval is given already.")


def approval_open(target, user: User) -> bool:
    """Whether ``user`` has an approval step still to give ``target`` (a proposed SPIFF, or a pending grant):
    the decision ``approve_spiff`` and ``approve_grant`` take (``access.may_approve_spiff``, then
    ``approval_step``), asked by the pages before they offer Approve."""
    spiff = target if isinstance(target, Spiff) else target.spiff
    if not access.may_approve_spiff(user, spiff):
        return False
    proposer = target.proposed_by_id if isinstance(target, Spiff) else target.granted_by_id
    try:
        approval_step(target, user, proposer=proposer, cco=target.cco_approver_id)
    except NotAllowed:
        return False
    return True


def reject_spiff(*, spiff: Spiff, user: User, comment: str, version: int | None = None) -> Spiff:
    """proposed → rejected, by the CCO or finance, with a comment (final)."""
    access.require(access.may_approve_spiff(user, spiff))
    if not comment.strip():
        raise SpiffInvalid("A rejection says why (a comment).")
    with transaction.atomic():
        row = _locked(spiff, expected=Spiff.Status.PROPOSED, version=version)
        row = _moved(row, status=Spiff.Status.REJECTED)
        _record(row, SpiffEvent.Action.REJECTED, user, comment)
    return row


def close_spiff(*, spiff: Spiff, user: User | None, comment: str = "", version: int | None = None) -> Spiff:
    """approved → closed, by ops (``access.may_award_spiff``): nothing more is awarded by its rule or
    granted by hand (``award_spiff`` and ``grant_spiff`` need it approved). What it awarded stays, and is
    paid; a grant still waiting for approval may still be approved or rejected. Raises ``NotAllowed`` and
    ``WrongStatus`` (not approved, or changed since ``version``)."""
    access.require(access.may_award_spiff(user, spiff))
    with transaction.atomic():
        row = _locked(spiff, expected=Spiff.Status.APPROVED, version=version)
        row = _moved(row, status=Spiff.Status.CLOSED)
        _record(row, SpiffEvent.Action.CLOSED, user, comment or f"closed on {timezone.localdate()}")
    return row
