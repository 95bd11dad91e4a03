"""SPIFFs and points in the admin: a read-only record (docs/design.md §11.3, §11.4).

Every row here changes only through the services — a SPIFF's approval steps and its awards within the
budget, grants, points earned, expired and redeemed first in first out, redemptions decided by ops or
finance, never the requester — which check the rights (``accounts.access``), the segregation of duties and
the closed quarters, and record each step. The pages under /incentives/ take those steps; the admin only
shows what was done, so nothing bypasses them. The history of every row is on /audit/.
"""

from django.contrib import admin

from commissions.admin_quarters import ReadOnlyAdmin, ReadOnlyInline

from .models import PointsEntry, PointsRule, Redemption, RedemptionLot, Reward, Spiff, SpiffAward, SpiffEvent


class SpiffEventInline(ReadOnlyInline):
    model = SpiffEvent
    fields = ("at", "action", "user", "award", "comment", "status_after")
    readonly_fields = fields


@admin.register(Spiff)
class SpiffAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "status", "start", "end", "budget", "currency", "eligibility")
    list_filter = ("status", "kind", "eligibility")
    search_fields = ("code", "name", "metric")
    inlines = [SpiffEventInline]


@admin.register(SpiffAward)
class SpiffAwardAdmin(ReadOnlyAdmin):
    list_display = ("id", "spiff", "employee", "day", "period", "source", "asked", "amount", "status")
    list_filter = ("status", "source", "period__code")
    search_fields = ("spiff__code", "employee__email", "employee__employee_id", "reason")
    list_select_related = ("spiff", "employee", "period")


@admin.register(SpiffEvent)
class SpiffEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "spiff", "action", "user", "status_after", "comment")
    list_filter = ("action",)
    search_fields = ("spiff__code", "comment")
    list_select_related = ("spiff", "user")


@admin.register(PointsRule)
class PointsRuleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "metric", "threshold", "points", "start", "end", "expiry_months")
    search_fields = ("code", "name", "metric")


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "price", "cash_amount", "currency", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")


class RedemptionLotInline(ReadOnlyInline):
    model = RedemptionLot
    fields = ("lot", "points")
    readonly_fields = fields


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "employee",
        "reward",
        "points",
        "cash_amount",
        "status",
        "requested_on",
        "decided_by",
    )
    list_filter = ("status", "reward__kind", "period__code")
    search_fields = ("employee__email", "employee__employee_id", "reward__code", "comment")
    list_select_related = ("employee", "reward", "decided_by")
    inlines = [RedemptionLotInline]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "employee", "kind", "points", "on", "rule", "month", "expires_after", "redemption")
    list_filter = ("kind", "rule__code")
    search_fields = ("employee__email", "employee__employee_id", "rule__code")
    list_select_related = ("employee", "rule")


@admin.register(RedemptionLot)
class RedemptionLotAdmin(ReadOnlyAdmin):
    list_display = ("id", "redemption", "lot", "points")
    list_select_related = ("redemption", "lot")
