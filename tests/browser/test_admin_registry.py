"""Every model of the order mirror is in the back office, searchable and filterable (issue 2, 8)."""

import pytest
from django.apps import apps
from django.contrib import admin


def mirror_models():
    return [
        model
        for label in ("catalog", "orders")
        for model in apps.get_app_config(label).get_models()
    ]


@pytest.mark.parametrize("model", mirror_models(), ids=lambda model: model._meta.label)
def test_model_is_in_the_admin_with_search_and_filters(model):
    assert admin.site.is_registered(model), f"{model._meta.label} is not in the admin"
    model_admin = admin.site.get_model_admin(model)
    assert model_admin.search_fields, f"{model._meta.label} has no search fields"
    assert model_admin.list_filter, f"{model._meta.label} has no filters"


def test_search_fields_name_real_fields(db):
    # A typo in search_fields only fails when someone searches; make it fail here instead.
    for model in mirror_models():
        model_admin = admin.site.get_model_admin(model)
        queryset = model._default_manager.all()
        results, _may_have_duplicates = model_admin.get_search_results(None, queryset, "x")
        assert list(results) == []
