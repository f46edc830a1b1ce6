"""Event types of the receiving app. Those about a return are recorded on the case's aggregate
("returns.case", case id), so they appear on its timeline and reach webhooks and notifications.

`receiving.rejection_notice` is the one the buyer hears about: its payload carries the case id
and number, the rejected unit ids, the grade, the failed checks, the operator's note and the ids
of the evidence photos. The portal's `buyers` app sends the e-mail from it.
"""

RECEIPT_RECORDED = "receiving.receipt_recorded"
DISPUTE_OPENED = "receiving.dispute_opened"
DISPUTE_RESOLVED = "receiving.dispute_resolved"
UNIT_INSPECTED = "receiving.unit_inspected"
UNIT_REVISED = "receiving.unit_revised"
REJECTION_NOTICE = "receiving.rejection_notice"
UNIT_DISPOSED = "receiving.unit_disposed"
PARCEL_REGISTERED = "receiving.parcel_registered"
PARCEL_ATTACHED = "receiving.parcel_attached"

CASE_AGGREGATE = "returns.case"
PARCEL_AGGREGATE = "receiving.parcel"
