"""The wall of fame's setting (docs/design.md §11.5): the CCO switches the needs-attention list on or off."""

from __future__ import annotations

from django.db import transaction

from accounts import access
from accounts.models import User

from ..errors import RecognitionInvalid
from ..models import WallSetting


def set_needs_attention(*, user: User | None, enabled: bool, metric: str = "") -> WallSetting:
    """Switch the needs-attention list on (naming its metric) or off. Only the CCO. Raises
    ``RecognitionInvalid`` when switched on without a metric, ``NotAllowed``."""
    access.require(access.may_configure_recognition(user))
    if enabled and not metric.strip():
        raise RecognitionInvalid(
            "The needs-attention list names the metric whose bottom performers it lists."
        )
    with transaction.atomic():
        setting, _ = WallSetting.objects.select_for_update().get_or_create(pk=1)
        setting.needs_attention = enabled
        setting.attention_metric = metric.strip() if enabled else setting.attention_metric
        setting.changed_by = user
        setting.save()
    return setting
