"""Import jobs of the Imports page (docs/imports.md "Imports in the browser"): a file uploaded, checked by a
dry run in a worker, confirmed by a person, then written in a worker (DESIGN §3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .plans import ImportRecord


class ImportJobStatus(models.TextChoices):
    """Where an ``ImportJob`` stands (its docstring draws the steps)."""

    QUEUED = "queued", "Queued for its dry run"
    VALIDATING = "validating", "Checking every row (dry run)"
    VALIDATED = "validated", "Checked: ready to confirm"
    REFUSED = "refused", "Refused"
    CONFIRMED = "confirmed", "Confirmed: queued for writing"
    WRITING = "writing", "Writing"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"
    ABANDONED = "abandoned", "Abandoned"


class ImportJob(models.Model):
    """One file imported from the browser: its bytes (workers may run on another machine, so the file
    travels through the database and is cleared once the job ends), where it stands, and what it did.

    Status: queued → validating → validated | refused (a header without data rows too: nothing to import);
    validated → confirmed (queued for writing) → writing → applied | refused; validated → queued (checked
    again: the kind's data changed since the dry run, ``services/imports/freshness.py``); writing →
    validated (that change found by the worker: nothing written); validated → abandoned (discarded, or
    never confirmed); any step that crashes → failed. Each step is a compare-and-set on ``status``
    (``services/imports/jobs.py``).
    ``errors`` has the shape of ``ImportRecord.errors``: the first 1,000 and, when there were more, a last
    entry with their ``total``.
    """

    Status = ImportJobStatus

    ACTIVE = (Status.QUEUED, Status.VALIDATING, Status.CONFIRMED, Status.WRITING)
    FINISHED = (Status.REFUSED, Status.APPLIED, Status.FAILED, Status.ABANDONED)

    kind = models.CharField(max_length=16)
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    data = models.BinaryField(null=True, blank=True, editable=False)  # cleared once the job ends
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # What the last step said beyond its counts: its warnings (e.g. a KPI no plan pays on), why it failed,
    # or what an applied import set off.
    notes = models.TextField(blank=True)
    dry_run_record = models.ForeignKey(
        ImportRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_record = models.ForeignKey(
        ImportRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # set by every compare-and-set too
    validated_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportJobStatus.values), name="import_job_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"import job #{self.pk} {self.kind} {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def waiting(self) -> bool:
        """A worker has yet to finish its step (the page polls while it waits)."""
        return self.status in self.ACTIVE

    @property
    def error_count(self) -> int:
        """Every error of the file (``ImportRecord.error_count`` reads the same shape)."""
        errors = self.errors or []
        if errors and isinstance(errors[-1], dict) and "total" in errors[-1]:
            return errors[-1]["total"]
        return len(errors)

    @property
    def listed_errors(self) -> list[dict]:
        """The errors without the last entry that only counts the others."""
        errors = self.errors or []
        if errors and isinstance(errors[-1], dict) and "total" in errors[-1]:
            return errors[:-1]
        return errors
