"""The audit app: django-pghistory event tables for the audited models, installed from this app alone.

pghistory registers its triggers on the *tracked* models, and django-pgtrigger would then write them into
the migrations of accounts, adoption, commissions and approvals. Those apps stay untouched by auditing:
on ``ready()`` the audit triggers are taken out of the tracked models' migration state; migration 0002
installs them on PostgreSQL (and drops them when reversed), and they are re-created after every
``migrate`` so they always match the event tables. Why, and what SQLite records instead: docs/audit.md.
"""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from . import triggers

        triggers.keep_out_of_tracked_migrations()
        post_migrate.connect(triggers.install_on_migrate, sender=self)
