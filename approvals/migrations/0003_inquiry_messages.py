# An inquiry becomes a conversation (docs/design.md §5 "Inquiries"): every answer and reply is an
# InquiryMessage. Inquiry.answer / answered_by / answered_at stay and keep the first answer; the answers
# given before this migration are copied into the conversation, so that it holds every answer.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_first_answers(apps, schema_editor):
    Inquiry = apps.get_model("approvals", "Inquiry")
    InquiryMessage = apps.get_model("approvals", "InquiryMessage")
    answered = Inquiry.objects.filter(answered_by__isnull=False).exclude(answer="").order_by("pk")
    InquiryMessage.objects.bulk_create(
        [
            InquiryMessage(
                inquiry_id=inquiry.pk,
                author_id=inquiry.answered_by_id,
                body=inquiry.answer,
                at=inquiry.answered_at or inquiry.created_at,
            )
            for inquiry in answered.iterator()
        ],
        batch_size=1000,
    )


def drop_copied_answers(apps, schema_editor):
    """Reversed, the table goes away with its rows: nothing to undo here."""


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0002_request_correction"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="InquiryMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body", models.TextField()),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "inquiry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="approvals.inquiry",
                    ),
                ),
            ],
            options={
                "ordering": ["inquiry_id", "at", "id"],
                "indexes": [models.Index(fields=["inquiry", "at"], name="approvals_i_inquiry_237af5_idx")],
            },
        ),
        migrations.RunPython(copy_first_answers, drop_copied_answers),
    ]
