"""Fixtures shared by every app's tests (registered through pytest_plugins)."""

from __future__ import annotations

import pytest

DEMO_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def staff_user(db, django_user_model):
    """A staff member in the given role group (default: admin)."""

    def make(username: str = "staff", role: str = "admin", *, superuser: bool = False):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user(
            username=username, password=DEMO_PASSWORD, is_staff=True, is_superuser=superuser
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
