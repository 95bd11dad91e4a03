"""Admin for people and their roles (DESIGN §1: the `admin` role manages users here)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm

from .models import User, UserRole


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


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Employee", {"fields": ("name", "employee_id", "geo", "manager")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
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

    @admin.display(description="roles")
    def role_list(self, user: User) -> str:
        return ", ".join(sorted(role.role for role in user.roles.all()))


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role")
    list_filter = ("role",)
    search_fields = ("user__email", "user__name", "user__employee_id")
    ordering = ("user__email", "role")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
