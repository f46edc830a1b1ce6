"""Enumerations of return policies and reasons; each value is a stable code stored in rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PolicyWindowAnchor(models.TextChoices):
    """What the goodwill window counts from (the statutory windows have their own anchors)."""

    DELIVERED = "delivered", _("Delivery")  # the order's last item delivered: never shorter
    SHIPPED = "shipped", _("Shipment")  # the item's shipment left the warehouse
    ORDERED = "ordered", _("Order date")


class Resolution(models.TextChoices):
    """What the buyer gets back; the values match `retour.returns` on purpose."""

    REFUND = "refund", _("Refund to the original payment")
    STORE_CREDIT = "store_credit", _("Store credit")
    EXCHANGE = "exchange", _("Exchange")


class ReturnMethod(models.TextChoices):
    LABEL = "label", _("Prepaid label")
    DROP_OFF = "drop_off", _("Drop-off point")
    IN_STORE = "in_store", _("In store")
    OWN_CARRIER = "own_carrier", _("Buyer's own carrier")
    KEEP_IT = "keep_it", _("Keep the item (no return needed)")


class LabelPayer(models.TextChoices):
    BUYER = "buyer", pgettext_lazy("who pays", "Buyer")
    SELLER = "seller", pgettext_lazy("who pays", "Seller")


class Fault(models.TextChoices):
    """Whose fault a reason is: decides who pays the return and whether a fee may apply."""

    CUSTOMER = "customer", _("Customer")
    MERCHANT = "merchant", _("Merchant")
    CARRIER = "carrier", _("Carrier")


class RefundTiming(models.TextChoices):
    """When the refund is issued, earliest first (the order is used to clamp to the law)."""

    ON_REQUEST = "on_request", _("When the return is requested")
    FIRST_CARRIER_SCAN = "first_carrier_scan", _("When the carrier first scans the parcel")
    WAREHOUSE_DELIVERY = "warehouse_delivery", _("When the parcel reaches the warehouse")
    INSPECTION = "inspection", _("After inspection")


REFUND_TIMING_ORDER = (
    RefundTiming.ON_REQUEST,
    RefundTiming.FIRST_CARRIER_SCAN,
    RefundTiming.WAREHOUSE_DELIVERY,
    RefundTiming.INSPECTION,
)


class OutboundShippingRefund(models.TextChoices):
    """When the policy refunds what the buyer paid for the original delivery."""

    NEVER = "never", _("Never")
    MERCHANT_FAULT = "merchant_fault", _("When the seller or the carrier is at fault")
    FULL_RETURN = "full_return", _("When the whole order is returned")
    ALWAYS = "always", _("Always")
    # Values the law imposes on a statutory track (never stored on a policy):
    STANDARD = "standard", _("The standard delivery cost (not an express supplement)")
    ALL_PAID = "all_paid", _("Everything paid for delivery")


POLICY_OUTBOUND_CHOICES = (
    OutboundShippingRefund.NEVER,
    OutboundShippingRefund.MERCHANT_FAULT,
    OutboundShippingRefund.FULL_RETURN,
    OutboundShippingRefund.ALWAYS,
)


class Evidence(models.TextChoices):
    """Evidence a buyer must attach, weakest first (a video also satisfies a photo)."""

    NONE = "none", _("None")
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")


EVIDENCE_ORDER = (Evidence.NONE, Evidence.PHOTO, Evidence.VIDEO)


class ReasonKind(models.TextChoices):
    RETURN = "return", _("Return (goods come back)")
    CLAIM = "claim", _("Claim (no goods come back)")


class Severity(models.TextChoices):
    REJECT = "reject", _("Reject")  # refuses a buyer; staff may override with a reason
    REVIEW = "review", _("Review")  # a person must decide; never a silent block


class Outcome(models.TextChoices):
    """The decision the rules suggest for a whole request."""

    ELIGIBLE = "eligible", _("Eligible")
    REVIEW = "review", _("Needs review")
    REJECT = "reject", _("Not eligible")
