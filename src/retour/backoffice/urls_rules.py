"""Back-office screens of the rules area (owned by that area's work); included by urls.py."""

from django.urls import path

from retour.backoffice.views import rules

urlpatterns: list = [
    path("", rules.rule_list, name="rules"),
    path("new/", rules.rule_new, name="rule_new"),
    path("simulate/", rules.rule_simulate, name="rule_simulate"),
    path("<int:rule_id>/", rules.rule_edit, name="rule"),
    path("<int:rule_id>/toggle/", rules.rule_toggle, name="rule_toggle"),
    path("<int:rule_id>/history/", rules.rule_history, name="rule_history"),
    path("cases/<int:case_id>/decide/", rules.case_decide, name="rule_case_decide"),
]
