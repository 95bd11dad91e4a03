"""Finance's sign-off of a closed quarter's payouts (DESIGN §1, §5 "Quarter close").

A closed quarter's payroll export waits for it. A re-open revokes it — the row is kept, marked revoked,
for the audit — and the quarter is signed off again after its next close.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class PayoutSignOff(models.Model):
    """Finance's approval of what a closed quarter pays: who, when, why, and what they saw.

    ``final_runs``: ``[{"plan": "CS-FY22", "run": 12, "version": 3}, …]`` — the runs the close made final.
    ``totals``: ``{"CS-FY22": {"USD": "2333.33"}, …}`` — per plan and currency, the sum of the payable lines
    the payroll export pays (held lines left out), as ``Decimal`` strings. Never deleted: a re-open sets
    ``revoked_at``/``revoked_by``/``revoke_reason``; at most one unrevoked sign-off per quarter.
    """

    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="sign_offs")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField()
    final_runs = models.JSONField(default=list, blank=True)
    totals = models.JSONField(default=dict, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["period_id", "-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(revoked_at__isnull=True), name="signoff_one_active_per_period"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="signoff_revoked_has_revoker",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "signed off"
        return f"payouts of {self.period_id} {state} by {self.signed_by_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
