from django.apps import AppConfig
from django.core import checks


def spiff_settings_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``SPIFF_FINANCE_APPROVAL_ABOVE`` is read at start-up, so a bad amount stops ``manage.py check``,
    ``migrate`` and the server with the setting named, instead of failing a SPIFF's approval later
    (docs/design.md §11.3)."""
    from .errors import SpiffInvalid
    from .services.spiffs import finance_threshold

    try:
        finance_threshold()
    except SpiffInvalid as exc:
        return [checks.Error(exc.message, id="attain.E102")]
    return []


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "Incentives"

    def ready(self) -> None:
        # The payroll export and the quarter close live in commissions, below this app: they ask their hooks
        # for the SPIFF and reward lines of a quarter, and for what of the incentives a close waits for,
        # instead of importing this app (docs/architecture.md, design.md §11.3-4, docs/incentives.md
        # "Operations").
        from commissions import hooks

        from .quarter_close import redemptions_blocking_close, spiffs_blocking_close
        from .services.payroll import reward_payroll_lines, spiff_payroll_lines

        hooks.register_payroll_lines(spiff_payroll_lines)
        hooks.register_payroll_lines(reward_payroll_lines)
        hooks.register_close_blocker(spiffs_blocking_close)
        hooks.register_close_blocker(redemptions_blocking_close)
        checks.register(spiff_settings_check)
