"""The typed verdicts of the eligibility rules: per rule, per line, and for a whole request.

Shape for the returns core:

- `EligibilityResult.outcome`: eligible, review or reject, the decision for a buyer's request;
- `EligibilityResult.failed`: every failed rule (which rules failed, on which line);
- `EligibilityResult.override_needed`: a staff member approving must give a reason;
- `EligibilityResult.results`: every rule result, flat (each has code, eligible, severity,
  message and `as_dict()`), for per-line display;
- `EligibilityResult.snapshot()`: a JSON-safe dict of everything, to store on the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from retour.policies.choices import Outcome, Severity
from retour.policies.eligibility.messages import AGENT, BUYER, explain

SNAPSHOT_FORMAT = 1


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule's verdict on one line. `severity` is set only when the rule failed."""

    rule: str
    code: str
    eligible: bool
    severity: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    line: str = ""

    @property
    def buyer_message(self) -> str:
        return explain(self.code, self.params, BUYER)

    @property
    def agent_message(self) -> str:
        return explain(self.code, self.params, AGENT)

    @property
    def message(self) -> str:
        return self.buyer_message

    @property
    def is_reject(self) -> bool:
        return not self.eligible and self.severity == Severity.REJECT

    @property
    def is_review(self) -> bool:
        return not self.eligible and self.severity == Severity.REVIEW

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "rule": self.rule,
            "code": self.code,
            "eligible": self.eligible,
            "severity": str(self.severity) if self.severity else None,
            "params": dict(self.params),
            "message": self.buyer_message,
            "agent_message": self.agent_message,
        }


@dataclass(frozen=True, slots=True)
class Deadlines:
    """The deadlines of a line (or a request): aware instants at the end of a buyer's day."""

    withdraw_by: datetime | None = None
    policy_return_by: datetime | None = None
    return_by: datetime | None = None
    ship_back_by: datetime | None = None
    refund_due_by: datetime | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "withdraw_by": _instant(self.withdraw_by),
            "policy_return_by": _instant(self.policy_return_by),
            "return_by": _instant(self.return_by),
            "ship_back_by": _instant(self.ship_back_by),
            "refund_due_by": _instant(self.refund_due_by),
        }


def _outcome(results: tuple[RuleResult, ...]) -> str:
    if any(result.is_reject for result in results):
        return Outcome.REJECT
    if any(result.is_review for result in results):
        return Outcome.REVIEW
    return Outcome.ELIGIBLE


@dataclass(frozen=True, slots=True)
class LineEligibility:
    line: str
    reason_code: str
    fault: str
    track: str
    deadlines: Deadlines
    results: tuple[RuleResult, ...]
    evidence_required: str
    resolutions: tuple[str, ...]
    regime: Mapping[str, Any]
    fees: Mapping[str, Any]

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        return tuple(result for result in self.results if not result.eligible)

    @property
    def eligible(self) -> bool:
        return not self.failed

    @property
    def outcome(self) -> str:
        return _outcome(self.results)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "reason": self.reason_code,
            "fault": str(self.fault),
            "track": str(self.track),
            "outcome": str(self.outcome),
            "deadlines": self.deadlines.as_dict(),
            "evidence_required": str(self.evidence_required),
            "resolutions": [str(value) for value in self.resolutions],
            "regime": dict(self.regime),
            "fees": dict(self.fees),
            "results": [result.as_dict() for result in self.results],
        }


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    policy_version_id: int
    policy_version_number: int
    market: str
    regime: str
    channel: str
    evaluated_at: datetime
    lines: tuple[LineEligibility, ...]

    @property
    def results(self) -> tuple[RuleResult, ...]:
        return tuple(result for line in self.lines for result in line.results)

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        return tuple(result for result in self.results if not result.eligible)

    @property
    def eligible(self) -> bool:
        return not self.failed

    @property
    def outcome(self) -> str:
        return _outcome(self.results)

    @property
    def override_needed(self) -> bool:
        """Approving needs a staff member's recorded reason: some rule did not pass."""
        return bool(self.failed)

    @property
    def track(self) -> str | None:
        """The track of every line, or None when the lines are on different tracks."""
        tracks = {line.track for line in self.lines}
        return tracks.pop() if len(tracks) == 1 else None

    @property
    def deadlines(self) -> Deadlines:
        """The protective combination: the latest ship-back date (no line is cut short), the
        earliest refund due date (no line is paid late)."""
        ship = [line.deadlines.ship_back_by for line in self.lines if line.deadlines.ship_back_by]
        due = [line.deadlines.refund_due_by for line in self.lines if line.deadlines.refund_due_by]
        return Deadlines(
            ship_back_by=max(ship) if ship else None, refund_due_by=min(due) if due else None
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "format": SNAPSHOT_FORMAT,
            "policy_version_id": self.policy_version_id,
            "policy_version": self.policy_version_number,
            "market": self.market,
            "regime": self.regime,
            "channel": str(self.channel),
            "evaluated_at": self.evaluated_at.isoformat(),
            "outcome": str(self.outcome),
            "override_needed": self.override_needed,
            "track": str(self.track) if self.track else None,
            "deadlines": {
                "ship_back_by": _instant(self.deadlines.ship_back_by),
                "refund_due_by": _instant(self.deadlines.refund_due_by),
            },
            "failed": [
                {
                    "line": result.line,
                    "rule": result.rule,
                    "code": result.code,
                    "severity": str(result.severity),
                }
                for result in self.failed
            ],
            "lines": [line.as_dict() for line in self.lines],
        }
