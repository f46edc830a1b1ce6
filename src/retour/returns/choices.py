"""Statuses and enumerations of the returns domain; each status says what it means."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being written; reserves no quantity
    SUBMITTED = "submitted", _("Submitted")  # quantities reserved; waiting for evaluation
    PENDING_REVIEW = "pending_review", _("Pending review")  # a person must approve or reject
    APPROVED = "approved", _("Approved")  # the buyer may send the goods back
    REJECTED = "rejected", _("Rejected")  # terminal; reserved quantities released
    CANCELED = "canceled", _("Canceled")  # terminal; nothing was scanned or received
    EXPIRED = "expired", _("Expired")  # terminal; the ship-by date passed with nothing sent
    IN_TRANSIT = "in_transit", _("In transit")  # the carrier scanned the parcel
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")  # some units arrived
    RECEIVED = "received", _("Received")  # every requested unit arrived or was written off
    LOST = "lost", _("Lost")  # the carrier lost the parcel; its units count as kept
    RESOLVED = "resolved", _("Resolved")  # every accepted or kept unit is settled
    CLOSED = "closed", _("Closed")  # archived; nothing more happens


# Statuses in which the buyer still holds or ships the goods: the case is "open".
CASE_ACTIVE_STATUSES = frozenset(
    {
        CaseStatus.DRAFT,
        CaseStatus.SUBMITTED,
        CaseStatus.PENDING_REVIEW,
        CaseStatus.APPROVED,
        CaseStatus.IN_TRANSIT,
        CaseStatus.PARTIALLY_RECEIVED,
        CaseStatus.RECEIVED,
        CaseStatus.LOST,
        CaseStatus.RESOLVED,
    }
)
CASE_TERMINAL_STATUSES = frozenset(
    {CaseStatus.REJECTED, CaseStatus.CANCELED, CaseStatus.EXPIRED, CaseStatus.CLOSED}
)


class CaseTrack(models.TextChoices):
    """Which rules a return is judged by (the market regime's track of its lines)."""

    STATUTORY_WITHDRAWAL = "statutory_withdrawal", _("Statutory withdrawal")
    GOODWILL_POLICY = "goodwill_policy", _("Goodwill policy")
    FAULT_CLAIM = "fault_claim", _("Fault or guarantee claim")
    MIXED = "mixed", _("Mixed: see each line")  # the lines are on different tracks


class Channel(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    STAFF = "staff", _("Back office")
    API = "api", _("API")
    EMAIL = "email", _("E-mail")


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund to the original payment")
    STORE_CREDIT = "store_credit", _("Store credit")
    EXCHANGE = "exchange", _("Exchange")


class ReturnMethod(models.TextChoices):
    LABEL = "label", _("Prepaid label")
    DROP_OFF = "drop_off", _("Drop-off point")
    IN_STORE = "in_store", _("In store")
    OWN_CARRIER = "own_carrier", _("Buyer's own carrier")


class ClaimKind(models.TextChoices):
    DAMAGED = "damaged", _("Arrived damaged")
    MISSING = "missing", _("Missing from the parcel")
    NEVER_ARRIVED = "never_arrived", _("Never arrived")
    KEEP_IT = "keep_it", _("Keep it (returnless refund)")


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("Open")  # claimed units held as kept; waiting for a decision
    APPROVED = "approved", _("Approved")  # the claim is accepted; settle it
    DENIED = "denied", _("Denied")  # terminal; claimed units released
    RESOLVED = "resolved", _("Resolved")  # terminal; every claimed unit settled
    CANCELED = "canceled", _("Canceled")  # terminal; claimed units released


class ClaimResolution(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    BOTH = "both", _("Refund and replacement")


class ExchangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")  # planned; nothing shipped
    AWAITING_RETURN = "awaiting_return", _("Awaiting the return")  # waiting for the goods
    RETURN_RECEIVED = "return_received", _("Return received")  # accepted units are in
    REPLACEMENT_SHIPPED = "replacement_shipped", _("Replacement shipped")
    COMPLETED = "completed", _("Completed")  # terminal; replaced units posted as exchanged
    UNRETURNED = "unreturned", _("Not returned")  # advance exchange past its deadline
    CHARGED = "charged", _("Charged")  # terminal; the buyer paid for the unreturned goods
    WRITTEN_OFF = "written_off", _("Written off")  # terminal; the seller bore the loss
    CANCELED = "canceled", _("Canceled")  # terminal; no replacement had shipped


class BalancePolicy(models.TextChoices):
    COLLECT = "collect", _("Collect the difference")
    WAIVE = "waive", _("Waive the difference")
    REFUND = "refund", _("Refund the difference")


class MovementKind(models.TextChoices):
    """Why a ledger counter moved; each QuantityMovement row has one."""

    FULFILMENT_SYNC = "fulfilment_sync", _("Shipped quantity synchronised")
    REQUEST = "request", _("Requested for return")
    RELEASE = "release", _("Released (canceled, rejected, expired or written off)")
    RECEIVE = "receive", _("Received")
    ACCEPT = "accept", _("Accepted at inspection")
    REJECT = "reject", _("Rejected at inspection")
    REVISE = "revise", _("Inspection revised")
    KEEP = "keep", _("Kept by the buyer (claim)")
    UNKEEP = "unkeep", _("Claim denied or canceled")
    LOSE = "lose", _("Lost in transit")
    REFUND = "refund", _("Refunded")
    EXCHANGE = "exchange", _("Exchanged")
