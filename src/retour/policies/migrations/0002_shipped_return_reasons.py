"""The reasons taxonomy Retour ships with (labels live in `retour.policies.taxonomy`).

Idempotent and respectful of edits: a reason that already exists (by code) is left as it is, so
a seller who retired one or changed its evidence keeps the change. The structure is frozen in
this file on purpose: later changes to the defaults come as new migrations.
"""

from django.db import migrations

ALL = ["refund", "store_credit", "exchange"]
MONEY_BACK = ["refund", "store_credit"]

# code, parent, fault, evidence, allowed resolutions, kind, position
REASONS = [
    ("size_fit", None, "customer", "none", [], "return", 10),
    ("size_too_small", "size_fit", "customer", "none", ALL, "return", 10),
    ("size_too_large", "size_fit", "customer", "none", ALL, "return", 20),
    ("not_as_expected", None, "merchant", "none", [], "return", 20),
    ("colour_differs", "not_as_expected", "merchant", "photo", ALL, "return", 10),
    ("not_as_described", "not_as_expected", "merchant", "photo", ALL, "return", 20),
    ("damaged_or_faulty", None, "merchant", "none", [], "return", 30),
    ("arrived_damaged", "damaged_or_faulty", "carrier", "photo", ALL, "return", 10),
    ("defective", "damaged_or_faulty", "merchant", "photo", ALL, "return", 20),
    ("missing_parts", "damaged_or_faulty", "merchant", "photo", ALL, "return", 30),
    ("order_problem", None, "merchant", "none", [], "return", 40),
    ("wrong_item", "order_problem", "merchant", "photo", ALL, "return", 10),
    ("arrived_too_late", "order_problem", "carrier", "none", MONEY_BACK, "return", 20),
    ("changed_mind", None, "customer", "none", [], "return", 50),
    ("no_longer_needed", "changed_mind", "customer", "none", ALL, "return", 10),
    ("dont_know_how_to_use", "changed_mind", "customer", "none", ALL, "return", 20),
    ("better_price_elsewhere", "changed_mind", "customer", "none", MONEY_BACK, "return", 30),
    ("ordered_by_mistake", "changed_mind", "customer", "none", ALL, "return", 40),
    ("delivery_problem", None, "carrier", "none", [], "claim", 60),
    ("damaged_in_transit", "delivery_problem", "carrier", "photo", ALL, "claim", 10),
    ("missing_item", "delivery_problem", "merchant", "photo", ALL, "claim", 20),
    ("never_arrived", "delivery_problem", "carrier", "none", ALL, "claim", 30),
]


def install_shipped_reasons(apps, schema_editor):
    ReturnReason = apps.get_model("policies", "ReturnReason")
    alias = schema_editor.connection.alias
    by_code = {reason.code: reason for reason in ReturnReason.objects.using(alias).all()}
    for code, parent_code, fault, evidence, resolutions, kind, position in REASONS:
        if code in by_code:
            continue
        by_code[code] = ReturnReason.objects.using(alias).create(
            code=code,
            parent=by_code.get(parent_code) if parent_code else None,
            is_shipped=True,
            labels={},
            fault=fault,
            requires_evidence=evidence,
            allowed_resolutions=list(resolutions),
            kind=kind,
            active=True,
            position=position,
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_return_policies_and_reasons")]

    # Reversing keeps the rows: cases may refer to them, and 0001's reversal drops the table.
    operations = [migrations.RunPython(install_shipped_reasons, migrations.RunPython.noop)]
