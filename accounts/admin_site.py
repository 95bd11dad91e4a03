"""The Django admin site of Attain: opened by the ``admin`` role, not by Django's staff flags (DESIGN §1).

``access.may_use_admin`` decides who enters (the site, its sign-in form); an admin-role holder holds every
model permission there (``User.has_perm``), narrowed only by what each ``ModelAdmin`` refuses (one's own
roles and flags, read-only models).
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import access


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in: the admin role, not ``is_staff``, lets a person in."""

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not access.may_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class AttainAdminSite(AdminSite):
    login_form = AdminSignInForm

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(access.may_use_admin(request.user))
