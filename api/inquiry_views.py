"""/api/inquiries/: a CSM's questions about their statement and the conversation that follows (DESIGN §5
"Inquiries"), scoped like the inquiry pages (``approvals.access.inquiries_visible_to``: all; a Geo VP's
geo; a CSM's own).

``POST /api/inquiries/{id}/replies/`` adds a message through the pages' services: from the CSM who asked,
a reply (``reply_to_inquiry``: an answered inquiry opens again); from ops or the CSM's Geo VP, an answer
(``answer_inquiry``: it is answered). Anyone else: 403.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from accounts import access
from approvals import services as approvals
from approvals.access import inquiries_visible_to
from approvals.models import Inquiry, InquiryMessage
from core.errors import Conflict
from core.text import MAX_REASON, MIN_REASON

from .filters import EmailFilter, QuarterFilter, StrictFilterSet
from .views import ScopedViewSet, read_only
from .write_serializers import ErrorSerializer


class InquiryFilter(StrictFilterSet):
    employee = EmailFilter(field_name="employee__email", help_text="The CSM who asked.")
    period = QuarterFilter(field_name="period__code")

    class Meta:
        model = Inquiry
        fields = ["employee", "period", "status"]


class InquiryMessageSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="email", read_only=True)
    is_reply = serializers.SerializerMethodField(help_text="Written by the CSM who asked (else an answer).")

    class Meta:
        model = InquiryMessage
        fields = ["id", "author", "body", "at", "is_reply"]
        read_only_fields = fields

    def get_is_reply(self, message: InquiryMessage) -> bool:
        return message.author_id == message.inquiry.employee_id


class InquirySerializer(serializers.ModelSerializer):
    """An inquiry: the question, where it stands and its conversation, in order."""

    employee = serializers.SlugRelatedField(
        slug_field="email", read_only=True, help_text="The CSM who asked."
    )
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer = serializers.SlugRelatedField(slug_field="customer_id", read_only=True, allow_null=True)
    owner = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text="Who answered last."
    )
    messages = InquiryMessageSerializer(many=True, read_only=True, help_text="Answers and replies, in order.")

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "employee",
            "period",
            "customer",
            "component",
            "message",
            "status",
            "owner",
            "request",
            "created_at",
            "messages",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(
        min_length=MIN_REASON, max_length=MAX_REASON, help_text="10–2,000 characters, no control characters."
    )


@read_only(
    "inquiry",
    "inquiries",
    "A CSM's question about a line of their statement or a customer's credit, and its conversation: answers"
    " by ops or the Geo VP, replies by the CSM (DESIGN §5). A CSM sees their own, a Geo VP their geo's.",
    tag="inquiries",
)
class InquiryViewSet(ScopedViewSet):
    serializer_class = InquirySerializer
    filterset_class = InquiryFilter
    ordering_fields = ["created_at", "status"]
    lookup_value_regex = r"\d+"

    def scoped(self, user) -> QuerySet:
        messages = InquiryMessage.objects.select_related("author", "inquiry").order_by("at", "id")
        return (
            inquiries_visible_to(user)
            .select_related("employee", "period", "customer", "owner")
            .prefetch_related(Prefetch("messages", queryset=messages))
        )

    @extend_schema(
        operation_id="inquiries_reply",
        tags=["inquiries"],
        summary="Add a message to an inquiry: the CSM's reply, or an answer by ops or the Geo VP",
        description=(
            "From the CSM who asked, a reply: an answered inquiry is open again and whoever answered, ops "
            "and the Geo VP are notified. From ops or the CSM's Geo VP, an answer: the open inquiry is "
            "answered and the CSM notified. 409 when the inquiry no longer takes it (an answer to one "
            "already answered, anything to one turned into an exception request); 403 for anyone else."
        ),
        request={"application/json": ReplySerializer},
        responses={
            201: OpenApiResponse(InquirySerializer, description="The inquiry with the new message."),
            **{
                code: OpenApiResponse(ErrorSerializer, description=text)
                for code, text in {
                    400: "Invalid input: errors by field (the body).",
                    403: "Neither the CSM who asked, nor ops, nor the CSM's Geo VP.",
                    409: "The inquiry was answered meanwhile, or became an exception request.",
                }.items()
            },
        },
    )
    @action(detail=True, methods=["post"], url_path="replies", parser_classes=[JSONParser])
    def replies(self, request, pk=None):
        inquiry = self.get_object()
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        text = body.validated_data["body"]
        if inquiry.status == Inquiry.Status.CONVERTED:
            raise Conflict(
                f"Inquiry #{inquiry.pk} was turned into an exception request: it carries on there."
            )
        if access.may_reply_inquiry(request.user, inquiry):
            approvals.reply_to_inquiry(inquiry=inquiry, user=request.user, body=text)
        else:
            # The answerer's right first (403 before 409), then whether the inquiry still waits for one.
            access.require(access.may_answer_inquiry(request.user, inquiry))
            if inquiry.status != Inquiry.Status.OPEN:
                raise Conflict(f"Inquiry #{inquiry.pk} was already answered: the CSM may reply to reopen it.")
            approvals.answer_inquiry(inquiry=inquiry, user=request.user, answer=text)
        return Response(
            InquirySerializer(self.get_queryset().get(pk=inquiry.pk)).data, status=status.HTTP_201_CREATED
        )
