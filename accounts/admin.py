"""Admin for people and their roles (DESIGN §1: the `admin` role manages users here).

Roles change on a person's page only, by an admin who is not that person (``access.may_change_roles``);
every change is recorded as a ``RoleChange``. Nobody edits their own permission flags here either.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from . import access
from .models import RoleChange, User, UserRole
from .services import record_role_changes

OWN_FLAGS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class UserCreationForm(AdminUserCreationForm):
    """Django's creation form with the e-mail as the user name."""

    class Meta:
        model = User
        fields = ("email", "name")
        field_classes: dict = {}

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise self.instance.unique_error_message(User, ["email"])
        return email


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class RolesFormSet(BaseInlineFormSet):
    """The roles inline: a change of the person's set of roles needs ``access.may_change_roles``."""

    request_user: User | None = None

    def clean(self) -> None:
        super().clean()
        user = self.instance
        before = set(user.roles.values_list("role", flat=True)) if user.pk else set()
        after = {
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")
        }
        if after != before:
            decision = access.may_change_roles(self.request_user, user if user.pk else None)
            if not decision:
                raise ValidationError(decision.reason)


class UserRoleInline(admin.TabularInline):
    model = UserRole
    formset = RolesFormSet
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Employee", {"fields": ("name", "employee_id", "geo", "manager")}),
        (
            "Permissions",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "The admin role, not these flags, opens this admin (DESIGN §1).",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [UserRoleInline]
    list_display = ("email", "name", "employee_id", "geo", "role_list", "manager", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "roles__role", "geo")
    search_fields = ("email", "name", "employee_id")
    ordering = ("email",)
    list_select_related = ("manager",)
    autocomplete_fields = ("manager",)
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return (*fields, *OWN_FLAGS)  # nobody grants themselves permissions (DESIGN §1)
        return fields

    def save_related(self, request, form, formsets, change) -> None:
        user = form.instance
        before = set(user.roles.values_list("role", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.roles.values_list("role", flat=True))
        record_role_changes([(user, before, after)], by=request.user, source=RoleChange.Source.ADMIN)

    @admin.display(description="roles")
    def role_list(self, user: User) -> str:
        return ", ".join(sorted(role.role for role in user.roles.all()))


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    """Read-only: roles change on the person's page, where the right is checked and the change recorded."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    list_display = ("user", "role")
    list_filter = ("role",)
    search_fields = ("user__email", "user__name", "user__employee_id")
    ordering = ("user__email", "role")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
