"""The facts a rule can read: a documented, typed registry, and the loaders that fill them.

Facts are a plain dict per case, built in bulk (`facts_for_cases`: a handful of queries per
chunk of cases, whatever its size) and, for one case, by the same code (`facts_for_case`), so a
simulation over history computes exactly what the live evaluation computes. Everything is read
as of the case's submission (`submitted_at`): the buyer's recent returns, the days since
delivery, the exchange rate of that day.

Money facts hold integer minor units; the currency of each is another fact (`MONEY_CURRENCY`).
Set facts hold frozensets (sorted lists in the JSON snapshot). A fact may be None (unknown:
not delivered yet); every comparison with None is false except "is empty".
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from retour.automation.fx import RateTable
from retour.catalog.models import Category
from retour.evidence.models import Evidence, EvidenceKind
from retour.orders.models import Order, ShipmentLine
from retour.policies.choices import Fault, Outcome
from retour.policies.models import ReturnPolicyVersion, ReturnReason
from retour.returns.choices import CaseStatus, CaseTrack, Channel, Resolution, ReturnMethod
from retour.returns.models import ReturnCase, ReturnLine

MONEY = "money"
INTEGER = "integer"
STRING = "string"
ENUM = "enum"
SET = "set"
BOOLEAN = "boolean"

REFUND_TRIGGERS = ("on_request", "first_scan", "warehouse_delivery", "inspection")
# The policies app spells the carrier scan "first_carrier_scan"; rules and payments "first_scan".
_POLICY_TRIGGER = {"first_carrier_scan": "first_scan"}

# Where no estimator knows the label's cost and the policy sets no fee: this many US dollars.
DEFAULT_RETURN_SHIPPING_USD_MINOR = 800

_NOT_COUNTED = (CaseStatus.DRAFT, CaseStatus.CANCELED)


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    type: str
    label: Promise
    help: Promise
    choices: Callable[[], list[tuple[str, Any]]] | None = None
    currency_fact: str = ""


def _enum(choices_class) -> Callable[[], list[tuple[str, Any]]]:
    return lambda: list(choices_class.choices)


def _reason_choices() -> list[tuple[str, Any]]:
    return [(reason.code, reason.label) for reason in ReturnReason.objects.all()]


_EVIDENCE = _enum(EvidenceKind)
_REFUND_TRIGGER_LABELS = {
    "on_request": _("When the return is requested"),
    "first_scan": _("When the carrier first scans the parcel"),
    "warehouse_delivery": _("When the parcel reaches the warehouse"),
    "inspection": _("After inspection"),
}


def refund_trigger_choices() -> list[tuple[str, Any]]:
    return list(_REFUND_TRIGGER_LABELS.items())


FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in (
        Fact("store", STRING, _("Store"), _("The store's code.")),
        Fact("market", STRING, _("Market"), _("The market's code, for example eu or us.")),
        Fact("country", STRING, _("Country"), _("The order's destination country (ISO code).")),
        Fact("channel", ENUM, _("Channel"), _("Where the request came from."), _enum(Channel)),
        Fact(
            "track",
            ENUM,
            _("Track"),
            _("Statutory withdrawal, goodwill policy, fault claim, or mixed."),
            _enum(CaseTrack),
        ),
        Fact(
            "eligibility",
            ENUM,
            _("Policy verdict"),
            _("What the return policy decided: eligible, needs review, not eligible."),
            _enum(Outcome),
        ),
        Fact(
            "auto_approved",
            BOOLEAN,
            _("Approved by the policy"),
            _("The policy approves eligible requests at once."),
        ),
        Fact(
            "resolution",
            ENUM,
            _("Requested resolution"),
            _("Refund, store credit or exchange."),
            _enum(Resolution),
        ),
        Fact(
            "return_method",
            ENUM,
            _("Return method"),
            _("How the buyer sends the goods back."),
            _enum(ReturnMethod),
        ),
        Fact("reasons", SET, _("Reasons"), _("The reason of each line."), _reason_choices),
        Fact(
            "reason_groups",
            SET,
            _("Reason groups"),
            _("The top group of each line's reason, for example size_fit."),
            _reason_choices,
        ),
        Fact("faults", SET, _("Fault"), _("Whose fault each line's reason is."), _enum(Fault)),
        Fact(
            "categories",
            SET,
            _("Categories"),
            _("The category of each item and the categories above it."),
        ),
        Fact("skus", SET, _("SKUs"), _("The SKU of each item.")),
        Fact("suppliers", SET, _("Suppliers"), _("The supplier code of each item.")),
        Fact("order_currency", STRING, _("Order currency"), _("The currency the buyer paid in.")),
        Fact("base_currency", STRING, _("Base currency"), _("The store's base currency.")),
        Fact(
            "return_value",
            MONEY,
            _("Value returned"),
            _("What the returned units cost the buyer, tax included, in the order currency."),
            currency_fact="order_currency",
        ),
        Fact(
            "return_value_base",
            MONEY,
            _("Value returned (base currency)"),
            _("The value returned in the store's base currency, at the rate of the day."),
            currency_fact="base_currency",
        ),
        Fact(
            "item_value",
            MONEY,
            _("Highest item value"),
            _("The price of the most expensive returned unit, in the order currency."),
            currency_fact="order_currency",
        ),
        Fact(
            "item_value_base",
            MONEY,
            _("Highest item value (base currency)"),
            _("The most expensive returned unit in the store's base currency."),
            currency_fact="base_currency",
        ),
        Fact(
            "return_shipping_cost",
            MONEY,
            _("Return shipping cost"),
            _("The estimated cost of the return label, in the order currency."),
            currency_fact="order_currency",
        ),
        Fact(
            "shipping_cost_percent",
            INTEGER,
            _("Return shipping in percent of value"),
            _("The return shipping cost as a percentage of the value returned."),
        ),
        Fact(
            "days_since_delivery",
            INTEGER,
            _("Days since delivery"),
            _("Whole days from the last delivery of the returned items to the request."),
        ),
        Fact(
            "returns_30d",
            INTEGER,
            _("Returns in the last 30 days"),
            _("The buyer's other return requests in the 30 days before this one."),
        ),
        Fact(
            "returns_90d",
            INTEGER,
            _("Returns in the last 90 days"),
            _("The buyer's other return requests in the 90 days before this one."),
        ),
        Fact(
            "lifetime_orders",
            INTEGER,
            _("Lifetime orders"),
            _("The buyer's orders up to this request."),
        ),
        Fact(
            "evidence",
            SET,
            _("Evidence attached"),
            _("The kinds of file attached: photo, video, document."),
            _EVIDENCE,
        ),
        Fact("units", INTEGER, _("Units"), _("Units asked back.")),
        Fact("lines", INTEGER, _("Lines"), _("Order lines asked back.")),
        Fact(
            "policy_refund_trigger",
            ENUM,
            _("Policy refund timing"),
            _("When the policy refunds; a rule may only make it earlier."),
            refund_trigger_choices,
        ),
    )
}

MONEY_CURRENCY = {fact.name: fact.currency_fact for fact in FACTS.values() if fact.type == MONEY}

# Estimators of the return label's cost, registered by higher apps (logistics) in their
# AppConfig.ready: f(facts) -> minor units in the order currency, or None for "don't know".
_SHIPPING_ESTIMATORS: list[Callable[[dict[str, Any]], int | None]] = []


def register_shipping_cost_estimator(estimator: Callable[[dict[str, Any]], int | None]) -> None:
    if estimator not in _SHIPPING_ESTIMATORS:
        _SHIPPING_ESTIMATORS.append(estimator)


def unregister_shipping_cost_estimator(estimator) -> None:
    if estimator in _SHIPPING_ESTIMATORS:
        _SHIPPING_ESTIMATORS.remove(estimator)


# Loading -------------------------------------------------------------------------------------


@dataclass
class _Reference:
    """Small tables read once per load: reasons, categories, policy versions."""

    reasons: dict[str, tuple[str, str]]  # code -> (group code, fault)
    categories: dict[int, tuple[str, ...]]  # id -> lineage codes
    rates: RateTable

    @classmethod
    def load(cls, rates: RateTable | None = None) -> _Reference:
        rows = {
            code: (parent_id, fault, pk)
            for pk, code, parent_id, fault in ReturnReason.objects.order_by().values_list(
                "id", "code", "parent_id", "fault"
            )
        }
        by_id = {pk: code for code, (_parent, _fault, pk) in rows.items()}
        reasons = {}
        for code, (_parent_id, fault, _pk) in rows.items():
            group, seen = code, set()
            while rows[group][0] is not None and group not in seen:
                seen.add(group)
                group = by_id[rows[group][0]]
            reasons[code] = (group, fault)
        cats = {
            pk: (code, parent)
            for pk, code, parent in Category.objects.order_by().values_list(
                "id", "code", "parent_id"
            )
        }
        lineages = {}
        for pk in cats:
            codes, current, seen = [], pk, set()
            while current is not None and current not in seen and current in cats:
                seen.add(current)
                codes.append(cats[current][0])
                current = cats[current][1]
            lineages[pk] = tuple(codes)
        return cls(reasons=reasons, categories=lineages, rates=rates or RateTable.load())


def facts_for_case(case: ReturnCase, *, rates: RateTable | None = None) -> dict[str, Any]:
    """The facts of one case (the same code as the bulk loader, for one id)."""
    for _case_id, facts in facts_for_cases([case.pk], rates=rates):
        return facts
    raise ReturnCase.DoesNotExist()


def facts_for_cases(
    case_ids: Iterable[int], *, rates: RateTable | None = None, chunk_size: int = 2000
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(case id, facts) for every case, in the order given, loaded `chunk_size` at a time."""
    reference = _Reference.load(rates)
    history = _History()
    chunk: list[int] = []
    for case_id in case_ids:
        chunk.append(case_id)
        if len(chunk) >= chunk_size:
            yield from _load_chunk(chunk, reference, history)
            chunk = []
    if chunk:
        yield from _load_chunk(chunk, reference, history)


@dataclass
class _History:
    """Each buyer's submissions and orders (sorted instants), read once per load: a buyer with
    many returns in a simulated period is read once, not once per chunk."""

    submissions: dict[int, list[datetime]]
    orders: dict[int, list[datetime]]
    loaded: set[int]

    def __init__(self) -> None:
        self.submissions = defaultdict(list)
        self.orders = defaultdict(list)
        self.loaded = set()

    def load(self, customers: set[int]) -> None:
        missing = customers - self.loaded
        if not missing:
            return
        for customer_id, submitted_at in (
            ReturnCase.objects.filter(customer_id__in=missing, submitted_at__isnull=False)
            .exclude(status__in=_NOT_COUNTED)
            .order_by()
            .values_list("customer_id", "submitted_at")
        ):
            self.submissions[customer_id].append(submitted_at)
        for customer_id, placed_at in (
            Order.objects.filter(customer_id__in=missing)
            .order_by()
            .values_list("customer_id", "placed_at")
        ):
            self.orders[customer_id].append(placed_at)
        for customer_id in missing:
            self.submissions[customer_id].sort()
            self.orders[customer_id].sort()
        self.loaded |= missing


_CASE_FIELDS = (
    "id",
    "customer_id",
    "order_id",
    "status",
    "channel",
    "track",
    "requested_resolution",
    "return_method",
    "submitted_at",
    "policy_version_id",
    "market__code",
    "order__store__code",
    "order__store__base_currency",
    "order__presentment_currency",
    "order__destination_country",
)


def _load_chunk(
    case_ids: list[int], reference: _Reference, history: _History
) -> list[tuple[int, dict[str, Any]]]:
    cases = {
        row["id"]: row
        for row in ReturnCase.objects.filter(pk__in=case_ids)
        .order_by()
        .annotate(eligibility=KT("eligibility_snapshot__outcome"))
        .values(*_CASE_FIELDS, "eligibility")
    }
    lines: dict[int, list[dict]] = defaultdict(list)
    order_line_ids = set()
    for row in (
        ReturnLine.objects.filter(case_id__in=case_ids)
        .order_by()
        .values(
            "case_id",
            "order_line_id",
            "quantity_requested",
            "reason_code",
            "order_line__sku",
            "order_line__unit_paid_net_minor",
            "order_line__unit_tax_minor",
            "order_line__weight_grams",
            "order_line__variant__product__category_id",
            "order_line__variant__product__supplier__code",
        )
    ):
        lines[row["case_id"]].append(row)
        order_line_ids.add(row["order_line_id"])
    deliveries: dict[int, list[datetime | None]] = defaultdict(list)
    for order_line_id, delivered_at in (
        ShipmentLine.objects.filter(order_line_id__in=order_line_ids)
        .order_by()
        .values_list("order_line_id", "shipment__delivered_at")
    ):
        deliveries[order_line_id].append(delivered_at)
    history.load({row["customer_id"] for row in cases.values()})
    evidence: dict[int, set[str]] = defaultdict(set)
    for case_id, kind in (
        Evidence.objects.filter(case_id__in=case_ids).order_by().values_list("case_id", "kind")
    ):
        evidence[case_id].add(kind)
    versions = {
        row[0]: row[1:]
        for row in ReturnPolicyVersion.objects.order_by()
        .filter(pk__in={row["policy_version_id"] for row in cases.values()})
        .values_list(
            "id", "currency", "return_label_fee_minor", "refund_timing", "auto_approve_eligible"
        )
    }
    result = []
    for case_id in case_ids:
        row = cases.get(case_id)
        if row is None:
            continue
        result.append(
            (
                case_id,
                _build(
                    row,
                    lines[case_id],
                    deliveries,
                    history.submissions[row["customer_id"]],
                    history.orders[row["customer_id"]],
                    evidence[case_id],
                    versions.get(row["policy_version_id"]),
                    reference,
                ),
            )
        )
    return result


def _count_between(values: list[datetime], start: datetime, end: datetime) -> int:
    return bisect.bisect_right(values, end) - bisect.bisect_left(values, start)


def _build(
    row: dict,
    lines: list[dict],
    deliveries: dict[int, list[datetime | None]],
    submissions: list[datetime],
    orders: list[datetime],
    evidence: set[str],
    version: tuple | None,
    reference: _Reference,
) -> dict[str, Any]:
    at = row["submitted_at"] or timezone.now()
    day = at.date()
    order_currency = row["order__presentment_currency"]
    base_currency = row["order__store__base_currency"]
    rates = reference.rates
    value = 0
    item_value = 0
    units = 0
    weight = 0
    reasons, groups, faults, categories, skus, suppliers = set(), set(), set(), set(), set(), set()
    delivered: list[datetime] = []
    undelivered = False
    for line in lines:
        unit = line["order_line__unit_paid_net_minor"] + line["order_line__unit_tax_minor"]
        quantity = line["quantity_requested"]
        value += unit * quantity
        item_value = max(item_value, unit)
        units += quantity
        weight += line["order_line__weight_grams"] * quantity
        code = line["reason_code"]
        reasons.add(code)
        group, fault = reference.reasons.get(code, (code, ""))
        groups.add(group)
        if fault:
            faults.add(fault)
        categories.update(
            reference.categories.get(line["order_line__variant__product__category_id"], ())
        )
        skus.add(line["order_line__sku"])
        supplier = line["order_line__variant__product__supplier__code"]
        if supplier:
            suppliers.add(supplier)
        shipped = deliveries.get(line["order_line_id"], [])
        if not shipped or any(item is None for item in shipped):
            undelivered = True
        else:
            delivered.append(max(shipped))
    # Counted before and including the instant of this submission, this case excluded.
    own = 1 if row["submitted_at"] is not None and row["status"] not in _NOT_COUNTED else 0
    returns_30 = _count_between(submissions, at - timedelta(days=30), at) - own
    returns_90 = _count_between(submissions, at - timedelta(days=90), at) - own
    if version is not None:
        policy_currency, label_fee, timing, auto_approve = version
    else:
        policy_currency, label_fee, timing, auto_approve = order_currency, None, "", False
    facts: dict[str, Any] = {
        "case_id": row["id"],
        "store": row["order__store__code"],
        "market": row["market__code"] or "",
        "country": row["order__destination_country"],
        "channel": row["channel"],
        "track": row["track"] or "",
        "eligibility": row["eligibility"] or Outcome.ELIGIBLE.value,
        "auto_approved": bool(auto_approve),
        "resolution": row["requested_resolution"],
        "return_method": row["return_method"],
        "reasons": frozenset(reasons),
        "reason_groups": frozenset(groups),
        "faults": frozenset(faults),
        "categories": frozenset(categories),
        "skus": frozenset(skus),
        "suppliers": frozenset(suppliers),
        "order_currency": order_currency,
        "base_currency": base_currency,
        "return_value": value,
        "return_value_base": _convert(rates, value, order_currency, base_currency, day),
        "item_value": item_value,
        "item_value_base": _convert(rates, item_value, order_currency, base_currency, day),
        "days_since_delivery": (
            None if undelivered or not delivered else max(0, (at - max(delivered)).days)
        ),
        "returns_30d": max(0, returns_30),
        "returns_90d": max(0, returns_90),
        "lifetime_orders": bisect.bisect_right(orders, at),
        "evidence": frozenset(evidence),
        "units": units,
        "lines": len(lines),
        "policy_refund_trigger": _POLICY_TRIGGER.get(timing, timing) or "warehouse_delivery",
        "weight_grams": weight,
        "submitted_at": at,
    }
    cost = None
    for estimator in _SHIPPING_ESTIMATORS:
        cost = estimator(facts)
        if cost is not None:
            break
    if cost is None and label_fee is not None:
        cost = _convert(rates, label_fee, policy_currency, order_currency, day)
    if cost is None:
        cost = _convert(rates, DEFAULT_RETURN_SHIPPING_USD_MINOR, "USD", order_currency, day)
    facts["return_shipping_cost"] = cost
    facts["shipping_cost_percent"] = None if cost is None or not value else (cost * 100) // value
    return facts


def _convert(rates: RateTable, amount: int, source: str, target: str, day) -> int | None:
    return rates.convert(amount, source, target, day)


def snapshot(facts: dict[str, Any]) -> dict[str, Any]:
    """A JSON-safe copy: sets as sorted lists, instants as ISO strings."""
    result = {}
    for key, value in facts.items():
        if isinstance(value, frozenset | set):
            result[key] = sorted(value)
        elif isinstance(value, datetime):
            result[key] = value.isoformat()
        else:
            result[key] = value
    return result
