"""The rules Retour ships, reflecting what sellers do (loaded by the demo, editable after)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

USD = "USD"

DEFAULT_RULES = (
    {
        "code": "frequent_returner_review",
        "name": _("Frequent returners: review"),
        "description": _("Three or more returns in 30 days go to a person."),
        "priority": 10,
        "conditions": {"all": [{"field": "returns_30d", "op": "gte", "value": 3}]},
        "actions": [{"type": "review", "params": {"queue": "frequent_returners"}}],
    },
    {
        "code": "carrier_damage_replacement",
        "name": _("Carrier damage with a photo: replace at once"),
        "description": _("Damaged in transit and shown on a photo or video: approve and ship."),
        "priority": 20,
        "conditions": {
            "all": [
                {"field": "faults", "op": "any_in", "value": ["carrier"]},
                {"field": "evidence", "op": "any_in", "value": ["photo", "video"]},
            ]
        },
        "actions": [
            {"type": "approve", "params": {}},
            {"type": "send_replacement", "params": {}},
            {"type": "tag", "params": {"tag": "carrier_damage"}},
        ],
    },
    {
        "code": "small_size_return_approve",
        "name": _("Size returns under USD 50: approve with a label"),
        "description": _("Every line returned for size or fit, worth under USD 50 in all."),
        "priority": 30,
        "conditions": {
            "all": [
                {"field": "return_value", "op": "lt", "value": {"amount": "50", "currency": USD}},
                {"field": "reason_groups", "op": "all_in", "value": ["size_fit"]},
            ]
        },
        "actions": [{"type": "approve", "params": {"prepaid_label": True}}],
    },
    {
        "code": "high_value_video",
        "name": _("Items above USD 100: require a video"),
        "description": _("A unit worth more than USD 100 needs a video of the item."),
        "priority": 40,
        "conditions": {
            "all": [
                {"field": "item_value", "op": "gt", "value": {"amount": "100", "currency": USD}}
            ]
        },
        "actions": [{"type": "require_evidence", "params": {"kind": "video"}}],
    },
    {
        "code": "keep_it_costly_shipping",
        "name": _("Return shipping above 60 percent of the value: offer keep-it"),
        "description": _("Sending it back would cost more than it is worth to resell."),
        "priority": 50,
        "conditions": {"all": [{"field": "shipping_cost_percent", "op": "gt", "value": 60}]},
        "actions": [{"type": "offer_keep_it", "params": {}}],
    },
)


def default_rule_specs(*, enabled: bool = True) -> list[dict]:
    """The default rules as `rule_create` keyword arguments (names in the active language)."""
    return [
        {
            **spec,
            "name": str(spec["name"]),
            "description": str(spec["description"]),
            "enabled": enabled,
        }
        for spec in DEFAULT_RULES
    ]
