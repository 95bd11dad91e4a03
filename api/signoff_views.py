"""Finance's sign-off of a closed quarter's payouts: ``/api/periods/{code}/sign-off/`` (DESIGN §1, §5;
docs/quarter-close.md step 6).

``GET`` reads where the quarter's sign-off stands; ``POST`` signs off through
``commissions.services.signoff.sign_off_payouts`` — the console's and the command's service, with their
refusals: a role that may not sign off, or segregation of duties (who closed the quarter, who is paid by
it), is a 403; a quarter not closed or already signed off a 409; a comment outside 10–2,000 characters a
400 by field.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes, schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from accounts import access
from commissions.models import PayoutSignOff, Period
from commissions.services.periods import find_period
from commissions.services.signoff import active_sign_off, sign_off_payouts
from core.calendar import QUARTER_EXAMPLE
from core.errors import Conflict
from core.text import MAX_REASON, MIN_REASON

from .schema import AttainAutoSchema
from .write_serializers import ErrorSerializer

DESCRIPTIONS = {
    400: "Invalid input: errors by field (the comment).",
    403: "Not finance, or finance who closed the quarter or is paid by it (segregation of duties).",
    404: "No such quarter.",
    409: "The quarter is not closed, or is already signed off (naming who and when).",
}


class SignOffStatus:
    """Where a quarter's sign-off stands (``SignOffStateStatusEnum``)."""

    NOT_CLOSED, AWAITING, SIGNED_OFF = "not_closed", "awaiting_sign_off", "signed_off"
    CHOICES = [
        (NOT_CLOSED, "Not closed: ops closes it first"),
        (AWAITING, "Closed: awaits finance's sign-off"),
        (SIGNED_OFF, "Signed off: payroll may be exported"),
    ]


class FinalRunSerializer(serializers.Serializer):
    plan = serializers.CharField()
    run = serializers.IntegerField()
    version = serializers.IntegerField()


class SignOffSerializer(serializers.ModelSerializer):
    """One sign-off: who, when, the comment, the final runs and the totals finance saw."""

    signed_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    final_runs = FinalRunSerializer(many=True, read_only=True)
    totals = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        allow_null=True,
        help_text='Per plan and currency, what payroll pays, 2 decimals: {"CS-FY22": {"USD": "2333.33"}}; '
        "null for a reader who does not see the company's figures (a CSM, a Geo VP), as on the pages.",
    )
    comment = serializers.CharField(
        read_only=True, allow_null=True, help_text="What finance checked; null where ``totals`` is."
    )

    class Meta:
        model = PayoutSignOff
        fields = ["id", "signed_by", "signed_at", "comment", "final_runs", "totals"]

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if not self.context.get("sees_company", False):
            shown["totals"] = shown["comment"] = None
        return shown


class SignOffStateSerializer(serializers.Serializer):
    period = serializers.CharField(help_text=f"The quarter, e.g. {QUARTER_EXAMPLE}.")
    status = serializers.ChoiceField(choices=SignOffStatus.CHOICES)
    sign_off = SignOffSerializer(allow_null=True, help_text="The quarter's sign-off in force, or null.")


class SignOffInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        min_length=MIN_REASON,
        max_length=MAX_REASON,
        help_text="What finance checked (10–2,000 characters, no control characters).",
    )


def _state(period: Period) -> dict:
    sign_off = active_sign_off(period)
    if sign_off is not None:
        state = SignOffStatus.SIGNED_OFF
    else:
        state = SignOffStatus.AWAITING if period.is_closed else SignOffStatus.NOT_CLOSED
    return {"period": period.code, "status": state, "sign_off": sign_off}


@extend_schema(
    methods=["GET"],
    operation_id="periods_sign_off_retrieve",
    tags=["periods"],
    summary="Where a quarter's sign-off by finance stands (everyone signed in)",
    description="Not closed, awaiting finance's sign-off, or signed off: then who signed off, when, with "
    "which comment, the final runs and the totals per plan and currency that payroll pays. The comment "
    "and totals are the company's figures: null for a CSM or a Geo VP, who do not see them on the pages.",
    responses={
        200: SignOffStateSerializer,
        404: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[404]),
    },
)
@extend_schema(
    methods=["POST"],
    operation_id="periods_sign_off_create",
    tags=["periods"],
    summary="Sign off a closed quarter's payouts (finance)",
    description=(
        "Finance signs off what the closed quarter pays (DESIGN §5): the payroll export opens then. Records "
        "the final runs and the totals of the payable lines. Refused (403) to anyone but finance, and to "
        "finance who closed the quarter or is paid by it (segregation of duties, DESIGN §1); refused (409) "
        "for a quarter not closed or already signed off. A re-open revokes the sign-off."
    ),
    request={"application/json": SignOffInputSerializer},
    responses={
        201: OpenApiResponse(SignOffStateSerializer, description="Signed off."),
        **{
            code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code])
            for code in (400, 403, 404, 409)
        },
    },
)
@api_view(["GET", "POST"])
@parser_classes([JSONParser])  # one body type: a generated client's body is then one type, not a union
@schema(AttainAutoSchema())
def sign_off(request, code: str):
    period = find_period(code)  # never creates the quarter it names
    context = {"sees_company": access.sees_everything(request.user)}
    if request.method == "GET":
        return Response(SignOffStateSerializer(_state(period), context=context).data)
    # Who may sign off is answered before whether the comment or the quarter's state allow it.
    access.require(access.may_sign_off(request.user, period))
    data = SignOffInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    if not period.is_closed:
        raise Conflict(f"{period.code} is not closed: ops closes it, then finance signs off its payouts.")
    sign_off_payouts(period=period, user=request.user, comment=data.validated_data["comment"])
    return Response(
        SignOffStateSerializer(_state(period), context=context).data, status=status.HTTP_201_CREATED
    )
