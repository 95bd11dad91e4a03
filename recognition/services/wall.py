"""The wall of fame's setting (docs/design.md §11.5): the CCO switches the needs-attention list on or off."""

from __future__ import annotations

from django.db import transaction

from accounts import access
from accounts.models import User
from commissions.services.person_metrics import MetricUnavailable, check_metric_code

from ..errors import RecognitionInvalid
from ..models import WallSetting


def set_needs_attention(*, user: User | None, enabled: bool, metric: str = "") -> WallSetting:
    """Switch the needs-attention list on (naming its metric) or off. Only the CCO. Raises
    ``RecognitionInvalid`` when switched on without a metric or with one the one reader cannot serve
    (``check_metric_code``: ``attainment``, an unknown ``kpi.<code>``, no code at all), writing nothing;
    ``NotAllowed``."""
    access.require(access.may_configure_recognition(user))
    if enabled and not metric.strip():
        raise RecognitionInvalid(
            "The needs-attention list names the metric whose bottom performers it lists."
        )
    if enabled:
        try:  # refused now rather than on every view of the wall (docs/design.md §11.1)
            check_metric_code(metric.strip())
        except MetricUnavailable as exc:
            raise RecognitionInvalid(f"The needs-attention list was not switched on: {exc.message}") from None
    with transaction.atomic():
        setting, _ = WallSetting.objects.select_for_update().get_or_create(pk=1)
        setting.needs_attention = enabled
        setting.attention_metric = metric.strip() if enabled else setting.attention_metric
        setting.changed_by = user
        setting.save()
    return setting
