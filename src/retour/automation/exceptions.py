"""Typed refusals of the automation app, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, PermissionDenied, ValidationFailed


class RuleInvalid(ValidationFailed):
    """The rule's terms do not validate; `extra["errors"]` lists each problem with its path."""

    code = "automation.rule_invalid"
    message = _("The rule is not valid: see the problems listed.")


class RuleStale(ApplicationError):
    code = "automation.rule_stale"
    message = _("Someone changed this rule in the meantime; reload it and try again.")


class RuleChangeNotAllowed(PermissionDenied):
    code = "automation.rule_change_not_allowed"
    message = _("Only a signed-in staff member can change rules.")


class SimulationPeriodInvalid(ValidationFailed):
    code = "automation.simulation_period_invalid"
    message = _("The period's start must come before its end.")


class CaseNotSubmitted(ApplicationError):
    """Rules judge a submitted request; a draft would be decided before it is complete."""

    code = "automation.case_not_submitted"
    message = _("The rules run once the return is submitted.")
