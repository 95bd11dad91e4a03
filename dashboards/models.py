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
