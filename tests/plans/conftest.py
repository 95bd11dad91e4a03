"""Fixtures of the plan tests."""

import pytest

from accounts.models import Role, User, UserRole


@pytest.fixture
def admin_client(client, db):
    """A client signed in as a superuser with the admin role."""
    user = User.objects.create_superuser(email="root@example.com", password="correct horse battery staple")
    UserRole.objects.get_or_create(user=user, role=Role.ADMIN)
    client.force_login(user)
    return client
