"""``manage.py send_due_webhooks [--grace SECONDS]``: queue the pending webhook deliveries that are due.

The beat schedule does this every 5 minutes (``webhooks.tasks.send_due_webhooks``); without a broker
(``REDIS_URL`` unset, tasks in-process) no retry is scheduled, and this command makes the due tries now.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from core.words import counted
from webhooks.services import send_due


class Command(BaseCommand):
    help = "Queue the pending webhook deliveries whose next try is due (docs/webhooks.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grace", type=int, default=0, help="only those overdue by this many seconds (default 0)"
        )

    def handle(self, *args, grace: int, **options) -> None:
        queued = send_due(grace=timedelta(seconds=grace))
        self.stdout.write(f"{counted(queued, 'webhook delivery', 'webhook deliveries')} queued.")
