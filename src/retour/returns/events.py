"""The event types of the returns domain (the topics webhooks and notifications subscribe to).

Each is `returns.<aggregate>.<what happened>`. Every service writes exactly one of them per
change; the timelines (`retour.returns.timeline`) render them in the reader's language.
"""

CASE_CREATED = "returns.case.created"  # saved as a draft
CASE_SUBMITTED = "returns.case.submitted"
CASE_EVALUATED = "returns.case.evaluated"
CASE_APPROVED = "returns.case.approved"
CASE_REJECTED = "returns.case.rejected"
CASE_CANCELED = "returns.case.canceled"
CASE_EXPIRED = "returns.case.expired"
CASE_IN_TRANSIT = "returns.case.in_transit"
CASE_LOST = "returns.case.lost"
CASE_RECEIPT_RECORDED = "returns.case.receipt_recorded"
CASE_REMAINDER_CLOSED = "returns.case.remainder_closed"
CASE_INSPECTED = "returns.case.inspected"
CASE_INSPECTION_REVISED = "returns.case.inspection_revised"
CASE_SETTLED = "returns.case.settled"
CASE_RESOLVED = "returns.case.resolved"
CASE_CLOSED = "returns.case.closed"
CASE_RESOLUTION_CHANGED = "returns.case.resolution_changed"

CLAIM_OPENED = "returns.claim.opened"
CLAIM_APPROVED = "returns.claim.approved"
CLAIM_DENIED = "returns.claim.denied"
CLAIM_CANCELED = "returns.claim.canceled"
CLAIM_SETTLED = "returns.claim.settled"
CLAIM_RESOLVED = "returns.claim.resolved"

EXCHANGE_REQUESTED = "returns.exchange.requested"
EXCHANGE_AWAITING_RETURN = "returns.exchange.awaiting_return"
EXCHANGE_RETURN_RECEIVED = "returns.exchange.return_received"
EXCHANGE_REPLACEMENT_SHIPPED = "returns.exchange.replacement_shipped"
EXCHANGE_COMPLETED = "returns.exchange.completed"
EXCHANGE_UNRETURNED = "returns.exchange.unreturned"
EXCHANGE_CHARGED = "returns.exchange.charged"
EXCHANGE_WRITTEN_OFF = "returns.exchange.written_off"
EXCHANGE_CANCELED = "returns.exchange.canceled"
