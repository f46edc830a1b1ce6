"""Models of the returns domain: the quantity ledger, return cases, claims and exchanges."""

from retour.returns.models.cases import ReturnCase, ReturnLine
from retour.returns.models.claims import Claim, ClaimLine
from retour.returns.models.exchanges import Exchange, ExchangeLine
from retour.returns.models.ledger import COUNTERS, OrderLineLedger, QuantityMovement

__all__ = [
    "COUNTERS",
    "Claim",
    "ClaimLine",
    "Exchange",
    "ExchangeLine",
    "OrderLineLedger",
    "QuantityMovement",
    "ReturnCase",
    "ReturnLine",
]
