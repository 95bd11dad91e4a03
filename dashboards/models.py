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


class StatementArchiveStatus(models.TextChoices):
    """Where a ``StatementArchive`` stands (its docstring draws the steps)."""

    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class StatementArchive(models.Model):
    """Every published statement of a closed quarter as one ZIP of PDFs, built by a worker for operations
    and finance (DESIGN §6; ``dashboards/archives.py``).

    Status: queued → building → ready | failed; ready → expired when its bytes are cleared (after
    ``archives.KEEP_READY``, or once a re-open and a new close made it stale). Each step is a compare-and-
    set on ``status``. ``done`` of ``total`` statements are rendered so far. The ZIP's bytes travel through
    the database (workers may run on other machines); ``size`` is their length. ``close`` and ``run_ids``
    are the close and the final runs the ZIP holds: once the quarter is re-opened (and closed again) the
    archive is stale and a new one is offered.
    """

    Status = StatementArchiveStatus

    ACTIVE = (Status.QUEUED, Status.BUILDING)

    period = models.ForeignKey("commissions.Period", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="statement_archives"
    )
    close = models.ForeignKey(
        "commissions.PeriodEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_ids = models.JSONField(default=list, blank=True)  # the final runs' ids, ascending
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    data = models.BinaryField(null=True, blank=True, editable=False)  # the ZIP while ready
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # set by every compare-and-set and progress step
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=StatementArchiveStatus.values),
                name="statement_archive_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"statement archive #{self.pk} of {self.period_id} ({self.status})"

    @property
    def waiting(self) -> bool:
        """A worker has yet to finish it (the page polls while it waits)."""
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        """How far the build is, 0–100 (100 once ready)."""
        if self.status == self.Status.READY:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
