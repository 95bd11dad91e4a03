"""Filters, ordering and paging of the list endpoints: one rule for all of them.

A filter, ``ordering``, ``page`` or ``page_size`` whose value is malformed or unknown, or a parameter the
list does not read at all, is refused with a 400 naming the parameter (``{"error": {"details": {"period":
["…"]}}}``, api.errors) — never ignored, and never "everything": a client that mistypes
``?period=FY26-Q5`` must not take an empty or a whole list for an answer. Related rows are filtered by
their natural keys (customer ids, e-mails, codes).
"""

from __future__ import annotations

import re

import django_filters as filters
from django import forms
from django.db import models
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from accounts.models import GEO_VALIDATOR
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from approvals.models import Request
from commissions.models import (
    Assignment,
    ComponentResult,
    CustomerResult,
    Deal,
    FxRate,
    KpiActual,
    Payout,
    Period,
    Plan,
    Run,
)
from core.calendar import (
    FISCAL_YEAR_RE,
    PERIOD_RE,
    QUARTER_EXAMPLE,
    YEAR_EXAMPLE,
    CalendarError,
    FiscalQuarter,
    FiscalYear,
)

MAX_PAGE_SIZE = 1000
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _regex_filter(pattern: re.Pattern, example: str, what: str):
    @extend_schema_field({"type": "string", "pattern": pattern.pattern, "example": example})
    class RegexFilter(filters.CharFilter):
        field_class = forms.RegexField

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("regex", pattern)
            kwargs.setdefault("error_messages", {"invalid": f"Write {what} like {example}."})
            super().__init__(*args, **kwargs)

    RegexFilter.__name__ = f"{what.title().replace(' ', '')}Filter"
    return RegexFilter


class CalendarCodeField(forms.CharField):
    """A quarter or fiscal-year code read by ``parse`` (core.calendar ``FiscalQuarter.parse`` or
    ``FiscalYear.parse``): its canonical code, or the project's one refusal naming the value as written
    (``“FY27-Q9” is not a quarter: write it like FY27-Q1.``). Surrounding whitespace is dropped, as
    ``parse`` drops it; an empty value is no filter, as for every other filter."""

    def __init__(self, *args, parse, **kwargs):
        self.parse = parse
        super().__init__(*args, **kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return self.parse(value).code
        except CalendarError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


def _calendar_filter(parse, pattern: re.Pattern, example: str, name: str):
    schema = {"type": "string", "pattern": pattern.pattern, "example": example}

    @extend_schema_field(schema)
    class CalendarFilter(filters.CharFilter):
        field_class = CalendarCodeField

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("parse", parse)
            super().__init__(*args, **kwargs)
            if self.extra.get("help_text"):
                # The schema above replaces drf-spectacular's, description included: keep the filter's.
                extend_schema_field({**schema, "description": self.extra["help_text"]})(self)

    CalendarFilter.__name__ = CalendarFilter.__qualname__ = name
    return CalendarFilter


# Every filter that reads a quarter or a fiscal year (here, api.inquiry_views, api.import_views).
QuarterFilter = _calendar_filter(FiscalQuarter.parse, PERIOD_RE, QUARTER_EXAMPLE, "QuarterFilter")
FiscalYearFilter = _calendar_filter(FiscalYear.parse, FISCAL_YEAR_RE, YEAR_EXAMPLE, "FiscalYearFilter")
CurrencyFilter = _regex_filter(CURRENCY_RE, "USD", "a currency code")
GeoFilter = _regex_filter(GEO_VALIDATOR.regex, "AMER", "a geo")


@extend_schema_field({"type": "string", "format": "email"})
class EmailFilter(filters.CharFilter):
    field_class = forms.EmailField


class StrictBooleanField(forms.TypedChoiceField):
    """``true``/``false`` (or 1/0); anything else is an error, not "no filter" as NullBooleanField has it."""

    def __init__(self, *args, **kwargs):
        choices = [("", ""), ("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")]
        kwargs.update(choices=choices, coerce=lambda value: value in ("true", "1"), empty_value=None)
        super().__init__(*args, **kwargs)


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictFilterSet(filters.FilterSet):
    """Model fields become strict filters: booleans refuse values other than true/false."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


# Parameters every list reads besides its filters: paging, ordering and DRF's renderer choice.
COMMON_PARAMETERS = frozenset({"page", "page_size", "ordering", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing a parameter the list does not know with a 400 naming it: a
    mistyped ``?perod=FY26-Q2`` must not answer every quarter. A view may name more parameters it reads
    itself in ``extra_query_parameters``."""

    def filter_queryset(self, request, queryset, view):
        # The filter names from the class: the filterset itself is built once, by django-filter below.
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(COMMON_PARAMETERS) | set(getattr(view, "extra_query_parameters", ()))
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            listed = ", ".join(sorted(known - {"format"}))
            raise serializers.ValidationError(
                {name: [f"Unknown parameter {name!r}: this list reads {listed}."] for name in unknown}
            )
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=a,-b`` over the view's ``ordering_fields``; an unknown field is a 400, not ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        fields = [param.strip() for param in params.split(",")]
        allowed = self._allowed(view)
        unknown = [field for field in fields if field.lstrip("-") not in allowed]
        if unknown:
            raise serializers.ValidationError(
                {self.ordering_param: [f"Cannot order by {', '.join(unknown)}: use {', '.join(allowed)}."]}
            )
        return fields

    @staticmethod
    def _allowed(view) -> list[str]:
        return list(getattr(view, "ordering_fields", None) or [])

    def get_schema_operation_parameters(self, view):
        allowed = self._allowed(view)
        if not allowed:
            return []
        one = "-?(?:" + "|".join(re.escape(field) for field in allowed) + ")"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Fields to order by, comma separated; `-` before one for descending: "
                + ", ".join(f"`{field}`" for field in allowed)
                + ". Another field is a 400.",
                "schema": {"type": "string", "pattern": f"^{one}(?:,{one})*$", "example": f"-{allowed[0]}"},
            }
        ]


class Pagination(PageNumberPagination):
    """Pages of PAGE_SIZE rows (100), or ``?page_size=`` from 1 to MAX_PAGE_SIZE; ``?page=`` from 1.

    A page or page size that is not such a number is a 400; a page past the end is a 404."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()

    def _number(self, request, name: str, maximum: int | None = None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        ceiling = f" and at most {maximum}" if maximum else ""
        if not raw.isdigit() or int(raw) < 1 or (maximum and int(raw) > maximum):
            raise serializers.ValidationError(
                {name: [f"Must be a whole number from 1{ceiling}; got {raw!r}."]}
            )
        return int(raw)

    def get_page_size(self, request):
        return self._number(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def get_page_number(self, request, paginator):
        return self._number(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page, from 1; past the last page is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page: {self.page_size} unless given, at most {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class CustomerFilter(StrictFilterSet):
    geo = GeoFilter()

    class Meta:
        model = Customer
        fields = ["customer_id", "geo", "segment"]


class _ByCustomer(StrictFilterSet):
    customer = filters.CharFilter(field_name="customer__customer_id")


class OwnershipFilter(_ByCustomer):
    employee = EmailFilter(field_name="employee__email")

    class Meta:
        model = Ownership
        fields = ["customer", "employee"]


class ArrRecordFilter(_ByCustomer):
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")
    currency = CurrencyFilter()

    class Meta:
        model = ArrRecord
        fields = ["customer", "currency"]


class TargetLineFilter(_ByCustomer):
    snapshot = FiscalYearFilter(field_name="snapshot__fiscal_year")
    period = QuarterFilter()

    class Meta:
        model = TargetLine
        fields = ["snapshot", "customer", "period"]


class ScoreFilter(_ByCustomer):
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = ScoreObservation
        fields = ["customer"]


class DealFilter(_ByCustomer):
    booked_after = filters.DateFilter(field_name="booked_on", lookup_expr="gte")
    booked_before = filters.DateFilter(field_name="booked_on", lookup_expr="lte")
    currency = CurrencyFilter()

    class Meta:
        model = Deal
        fields = ["customer", "type", "currency"]


class _ByEmployee(StrictFilterSet):
    employee = EmailFilter(field_name="employee__email")


class KpiActualFilter(_ByEmployee):
    period = QuarterFilter()

    class Meta:
        model = KpiActual
        fields = ["period", "employee", "kpi"]


class AssignmentFilter(_ByEmployee):
    plan = filters.CharFilter(field_name="plan__code")

    class Meta:
        model = Assignment
        fields = ["employee", "plan"]


class RunFilter(StrictFilterSet):
    plan = filters.CharFilter(field_name="plan__code")
    period = QuarterFilter(field_name="period__code")

    class Meta:
        model = Run
        fields = ["plan", "period", "status", "is_final"]


class _ByRun(_ByEmployee):
    period = QuarterFilter(field_name="run__period__code")


class PayoutFilter(_ByRun):
    currency = CurrencyFilter()

    class Meta:
        model = Payout
        fields = ["run", "period", "employee", "currency"]


class ComponentResultFilter(_ByRun):
    class Meta:
        model = ComponentResult
        fields = ["run", "period", "employee", "component", "metric"]


class CustomerResultFilter(_ByRun):
    customer = filters.CharFilter(field_name="customer__customer_id")

    class Meta:
        model = CustomerResult
        fields = ["run", "period", "employee", "customer", "counted"]


class RequestFilter(_ByCustomer):
    period = QuarterFilter(field_name="period__code")
    filed_by = EmailFilter(field_name="filed_by__email")

    class Meta:
        model = Request
        fields = ["customer", "period", "kind", "status", "filed_by"]


class SnapshotFilter(StrictFilterSet):
    fiscal_year = FiscalYearFilter()

    class Meta:
        model = Snapshot
        fields = ["fiscal_year", "status"]


class FxRateFilter(StrictFilterSet):
    period = QuarterFilter()
    currency = CurrencyFilter()

    class Meta:
        model = FxRate
        fields = ["period", "currency"]


class PlanFilter(StrictFilterSet):
    fiscal_year = FiscalYearFilter()

    class Meta:
        model = Plan
        fields = ["code", "fiscal_year"]


class PeriodFilter(StrictFilterSet):
    code = QuarterFilter()

    class Meta:
        model = Period
        fields = ["code", "status"]
