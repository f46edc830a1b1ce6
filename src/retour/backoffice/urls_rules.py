"""Back-office screens of the rules area (owned by that area's work); included by urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
