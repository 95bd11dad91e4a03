from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = "Incentives"

    def ready(self) -> None:
        # The payroll export lives in commissions, below this app: it asks its hooks for the SPIFF and
        # reward lines of a quarter instead of importing this app (docs/architecture.md, design.md §11.3-4).
        from commissions import hooks

        from .services.payroll import reward_payroll_lines, spiff_payroll_lines

        hooks.register_payroll_lines(spiff_payroll_lines)
        hooks.register_payroll_lines(reward_payroll_lines)
