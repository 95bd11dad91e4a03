"""/api/employees/: the people of Attain (DESIGN §1) — names, roles, geo, manager — scoped exactly like the
pages by ``accounts.access.employees_visible_to``: the CCO, finance, ops and admins see everyone, a Geo
VP the people of their geo, a CSM themself; anyone else no one. Out of scope is a 404."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from accounts.models import Role, User

from .filters import EmailFilter, GeoFilter, StrictFilterSet
from .views import ScopedViewSet, read_only


class EmployeeFilter(StrictFilterSet):
    role = filters.ChoiceFilter(field_name="roles__role", choices=Role.choices, help_text="Holds this role.")
    email = EmailFilter()
    geo = GeoFilter()
    manager = EmailFilter(field_name="manager__email", help_text="The manager's e-mail.")

    class Meta:
        model = User
        fields = ["role", "geo", "email", "employee_id", "manager", "is_active"]


class EmployeeSerializer(serializers.ModelSerializer):
    """One person: who they are, the roles they hold (DESIGN §1), their geo and manager."""

    roles = serializers.SerializerMethodField(help_text="The roles held, sorted.")
    employee_id = serializers.CharField(allow_null=True, read_only=True, help_text="As imported (E1…).")
    manager = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text="The manager's e-mail, or null."
    )
    manager_employee_id = serializers.CharField(
        source="manager.employee_id", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = User
        fields = [
            "id",
            "employee_id",
            "email",
            "name",
            "roles",
            "geo",
            "manager",
            "manager_employee_id",
            "is_active",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user: User) -> list[str]:
        return sorted(role.role for role in user.roles.all())  # prefetched: no query per person


@read_only(
    "employee",
    "employees",
    "A person of Attain (DESIGN §1): e-mail, name, the roles held (`RoleEnum`), geo and manager. A CSM sees"
    " only themself, a Geo VP the people of their geo, cco/finance/ops/admin everyone.",
    tag="employees",
    example={
        "id": 7,
        "employee_id": "E1",
        "email": "e1@example.com",
        "name": "Erin One",
        "roles": ["csm"],
        "geo": "AMER",
        "manager": "vp.amer@example.com",
        "manager_employee_id": "E9",
        "is_active": True,
    },
)
class EmployeeViewSet(ScopedViewSet):
    """People in your scope: everyone (cco, finance, ops, admin); your geo (a Geo VP); yourself (a CSM)."""

    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter
    ordering_fields = ["email", "name", "employee_id", "geo"]
    lookup_value_regex = r"\d+"

    def scoped(self, user) -> QuerySet:
        people = access.employees_visible_to(user)
        return people.select_related("manager").prefetch_related("roles").order_by("email").distinct()
