"""People of Attain: employees who sign in, their roles (DESIGN §1) and geos."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from .emails import canonical_email

GEO_VALIDATOR = RegexValidator(r"^[A-Z][A-Z0-9_]{1,15}$", "A geo is an upper-case code such as AMER or EMEA.")


class Role(models.TextChoices):
    CSM = "csm", "Customer Success Manager"
    CSVP = "csvp", "Geo VP of Customer Success"
    CCO = "cco", "Chief Customer Officer"
    FINANCE = "finance", "Finance"
    OPS = "ops", "Commission operations"
    ADMIN = "admin", "Administrator"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str):
        # E-mails are stored lower-case; people type them in any case when they sign in.
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        user = self.create_user(email, password, **fields)
        UserRole.objects.get_or_create(user=user, role=Role.ADMIN)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in; an employee when ``employee_id`` is set (imported as `employees`)."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    employee_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    geo = models.CharField(max_length=16, blank=True, validators=[GEO_VALIDATOR])
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        indexes = [models.Index(fields=["geo"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def save(self, *args, **kwargs):
        # E-mails are compared case-insensitively everywhere (accounts.emails): stored lower-case.
        if self.email:
            self.email = canonical_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.roles.values_list("role", flat=True)) if self.pk else set()
            self._role_codes = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_codes

    # The admin role is the Django admin (DESIGN §1): its holder has every model permission there, as a
    # superuser would; the admin site itself lets in only holders of the role (``access.may_use_admin``).
    def has_perm(self, perm: str, obj=None) -> bool:
        return (self.is_active and self.has_role(Role.ADMIN)) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return (self.is_active and self.has_role(Role.ADMIN)) or super().has_module_perms(app_label)


class UserRole(models.Model):
    """One role held by a person; a person may hold several (DESIGN §1)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="userrole_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="userrole_known_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user.email}: {self.role}"


class RoleChange(models.Model):
    """One change of a person's roles: who changed them, when, from which set to which (DESIGN §1).

    Kept on every database (the pghistory ``UserRoleEvent`` exists on PostgreSQL only) and shown on the
    audit page. No database constraint on the people: the record outlives them.
    """

    class Source(models.TextChoices):
        IMPORT = "import", "employees import"
        ADMIN = "admin", "admin page"

    user = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, related_name="role_changes"
    )
    by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)
    source = models.CharField(max_length=16, choices=Source.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id}: {','.join(self.before)} → {','.join(self.after)}"
