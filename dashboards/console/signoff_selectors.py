"""Read paths of the sign-off page (DESIGN §5 "Quarter close": … → close → finance signs off → export).

The review figures come from ``commissions.services.payout_review``; this adds the quarter's sign-offs
(the active one and those revoked by a re-open) and who may do what on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts import access
from accounts.models import User
from commissions.models import PayoutSignOff, Period
from commissions.services.payout_review import PayoutReview, payout_review


@dataclass
class SignOffPage:
    """What the sign-off page shows for one quarter."""

    period: Period
    review: PayoutReview
    active: PayoutSignOff | None
    revoked: list[PayoutSignOff]
    may_sign_off: bool  # the person's role (finance); the service also applies segregation of duties

    @property
    def offers_form(self) -> bool:
        return self.may_sign_off and self.period.is_closed and self.active is None


def sign_off_page(period: Period, user: User) -> SignOffPage:
    """The review of ``period``, its sign-offs (newest first) and whether ``user`` is offered the form."""
    sign_offs = list(
        PayoutSignOff.objects.filter(period=period)
        .select_related("signed_by", "revoked_by")
        .order_by("-signed_at", "-id")
    )
    return SignOffPage(
        period=period,
        review=payout_review(period),
        active=next((s for s in sign_offs if s.is_active), None),
        revoked=[s for s in sign_offs if not s.is_active],
        may_sign_off=bool(access.may_sign_off(user, period)),
    )
