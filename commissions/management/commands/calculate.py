from django.core.management.base import CommandError

from commissions.management.base import AttainCommand
from commissions.services.periods import plans_to_calculate
from commissions.services.runs import calculate, finished, outcome
from commissions.services.shards import MAX_SHARDS, start_sharded_run, wait_for
from core.errors import AttainError, NotAllowed
from core.words import counted


class Command(AttainCommand):
    help = (
        "Calculate a quarter as a new versioned run of each plan (or of --plan), and show payout changes. "
        "Every plan is tried: one refused (e.g. an adoption plan without a pull) is named with the reason, "
        "the others are calculated, and the command then fails naming those not calculated."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")
        parser.add_argument("--plan", help="plan code; default: every plan of the quarter's fiscal year")
        parser.add_argument("--user", help="e-mail of the person calculating")
        parser.add_argument(
            "--shards",
            type=int,
            default=0,
            help=f"split each run by CSM into N shards (2 to {MAX_SHARDS}) calculated by Celery workers "
            "(queue 'shards'); 0 (the default) or 1: one process, no sharding",
        )
        parser.add_argument(
            "--wait",
            type=int,
            default=600,
            metavar="SECONDS",
            help="with --shards: how long to wait for the workers before leaving the run to finish (600)",
        )

    def handle(self, *args, period, plan=None, user=None, shards=0, wait=600, **options):
        if not 0 <= shards <= MAX_SHARDS:
            raise CommandError(
                f"--shards {shards} is no shard count: give 2 to {MAX_SHARDS} to split each run by CSM, or 0 "
                "or 1 (the default 0) to calculate in one process."
            )
        quarter, plans = plans_to_calculate(period, plan)  # never creates the quarter it names
        acting = self.user(user)
        refused: list[tuple[str, str]] = []
        for each in plans:  # every plan is tried, as the console does: one refused does not stop the others
            try:
                if shards > 1:
                    calc = start_sharded_run(period=quarter, plan=each, shards=shards, user=acting)
                    self.report_sharded(calc, wait)
                else:
                    self.report(calculate(period=quarter, plan=each, user=acting))
            except NotAllowed:
                raise  # the person's right, not the plan: said once
            except AttainError as exc:
                refused.append((each.code, exc.message))
                if len(plans) > 1:
                    self.stderr.write(f"{each.code} not calculated: {exc.message}")
        if len(plans) == 1 and refused:
            raise CommandError(refused[0][1])
        if refused:
            codes = ", ".join(code for code, _ in refused)
            raise CommandError(
                f"{len(refused)} of {counted(len(plans), 'plan')} of {quarter.code} not calculated: {codes} "
                "(each one's reason is above)."
            )

    def report_sharded(self, calc, wait: int) -> None:
        run = calc.run
        if calc.created:
            shards = counted(run.shard_count, "shard")
            self.stdout.write(f"{run.plan.code} {run.period.code} v{run.version}: {shards} queued")
        run = wait_for(run, timeout=wait)
        if run.status == run.Status.FAILED:  # said beside the refusals; the other plans go on
            raise AttainError(f"{run.plan.code} {run.period.code} v{run.version} failed: {run.error}")
        if run.status == run.Status.RUNNING:
            self.stdout.write(
                f"  still running ({run.progress}%) after {wait} s: follow it on the console or in the admin"
            )
            return
        self.report(finished(run) if calc.created else calc)

    def report(self, calc) -> None:
        run = calc.run
        if not calc.created:
            self.stdout.write(f"{run.period.code} {outcome(calc)}")
            return
        total = sum(p.amount for p in run.payouts.all())
        self.stdout.write(
            f"{run.plan.code} {run.period.code} v{run.version}: {counted(run.payouts.count(), 'CSM')}, total "
            f"{total:,.2f} {run.plan.currency}, {counted(len(run.warnings), 'warning')}, "
            f"{run.duration_ms} ms"
        )
        for warning in run.warnings[:20]:
            self.stdout.write(f"  warning: {warning['message']}")
        if len(run.warnings) > 20:
            more = counted(len(run.warnings) - 20, "more warning")
            self.stdout.write(f"  … and {more} (see the run in the admin)")
        self.report_changes(calc)

    def report_changes(self, calc) -> None:
        """The payouts that changed against the previous run, under a heading; one line saying none did
        when none did, rather than a heading over nothing."""
        label = f"v{calc.previous.version}" if calc.previous else "no previous run"
        changed = [(eid, before, after) for eid, before, after in calc.changes if before != after]
        if not changed:
            self.stdout.write(f"  no payout changed against {label}" if calc.previous else "  no payouts")
            return
        self.stdout.write(f"  payout changes against {label}:")
        for employee_id, before, after in changed:
            delta = (after or 0) - (before or 0)
            self.stdout.write(
                f"    {employee_id}: {before if before is not None else '—'} → "
                f"{after if after is not None else '—'} ({delta:+,.2f})"
            )
