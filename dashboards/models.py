"""What the dashboards keep of their own: the log that stamps the projection's inputs."""

from django.db import models


class InputChange(models.Model):
    """One row per transaction that wrote an input of the projection (written by database triggers, see
    ``dashboards/stamp.py``); never written by Python code. On PostgreSQL ``txid`` is the writing
    transaction's id; SQLite keeps a single row (``txid`` 0) whose ``token`` changes with every write.
    """

    txid = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=32, default="", blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "dashboards_inputchange"

    def __str__(self) -> str:
        return f"inputs changed by transaction {self.txid} at {self.changed_at}"


class StatementNotice(models.Model):
    """The e-mail telling a CSM that a close published their statements of a quarter (DESIGN §5).

    One per close (the ``PeriodEvent`` of the close) and CSM: a redelivered publication task finds it and
    sends nothing twice, while a re-open and a new close is a new event, and the CSM is told again that the
    statements were republished. ``sent_at`` is when the mail server took the message.
    """

    period = models.ForeignKey("commissions.Period", on_delete=models.CASCADE, related_name="+")
    close = models.ForeignKey("commissions.PeriodEvent", on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["close", "employee"], name="statement_notice_once_per_close"),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} statement notice to {self.employee_id} at {self.sent_at}"
