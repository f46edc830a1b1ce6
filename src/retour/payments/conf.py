"""Money settings, read from `settings.RETOUR_PAYMENTS` (a dict) over environment defaults.

Keys (all optional):
- `stripe`: {"api_key", "webhook_secret", "api_base", "max_network_retries", "timeout"}
- `paypal`: {"client_id", "client_secret", "api_base", "webhook_id", "timeout"}
- `allocation_priority`: method types or providers, "*" for the rest (store credit and gift
  cards first by default); newest capture first within a group.
- `four_eyes_threshold_minor`: {currency: minor units}; a refund above it needs a second
  approver. A currency not listed uses `four_eyes_default_major` converted to minor units.
- `store_credit_expiry_days`: days until issued credit expires (None: never).
- `deadline_alert_hours`: how long before a statutory refund deadline finance is alerted.
- `duty_refund_markets`: market codes whose policy refunds duties ("*": all).
- `webhook_tolerance_seconds`: Stripe signature age and future skew accepted.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from retour.core.money import currency_exponent

DEFAULTS: dict[str, Any] = {
    "stripe": {
        "api_key": os.environ.get("STRIPE_API_KEY", ""),
        "webhook_secret": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "api_base": os.environ.get("STRIPE_API_BASE", "https://api.stripe.com"),
        "max_network_retries": 2,
        "timeout": 20,
    },
    "paypal": {
        "client_id": os.environ.get("PAYPAL_CLIENT_ID", ""),
        "client_secret": os.environ.get("PAYPAL_CLIENT_SECRET", ""),
        "api_base": os.environ.get("PAYPAL_API_BASE", "https://api-m.paypal.com"),
        "webhook_id": os.environ.get("PAYPAL_WEBHOOK_ID", ""),
        "timeout": 20,
    },
    "allocation_priority": ["store_credit", "gift_card", "*"],
    "four_eyes_threshold_minor": {},
    "four_eyes_default_major": 500,
    "store_credit_expiry_days": 365,
    "deadline_alert_hours": 48,
    "duty_refund_markets": ["*"],
    "webhook_tolerance_seconds": 300,
}


def payments_setting(name: str) -> Any:
    configured = getattr(settings, "RETOUR_PAYMENTS", {}) or {}
    value = configured.get(name, DEFAULTS[name])
    if isinstance(DEFAULTS[name], dict) and isinstance(value, dict):
        return {**DEFAULTS[name], **value}
    return value


def four_eyes_threshold(currency: str) -> int:
    table = payments_setting("four_eyes_threshold_minor") or {}
    if currency in table:
        return int(table[currency])
    return int(payments_setting("four_eyes_default_major")) * 10 ** currency_exponent(currency)
