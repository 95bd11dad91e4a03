"""The fiscal calendar configured for this installation (``FISCAL_YEAR_START_MONTH``)."""

from django.conf import settings

from .calendar import FiscalCalendar


def calendar() -> FiscalCalendar:
    return FiscalCalendar(start_month=settings.FISCAL_YEAR_START_MONTH)
