"""The statutory rights of each regime in plain words, for the public policy page.

Sentences are built from the regime's floor (days) and from the policy's facts (displayed,
who pays), so the page never states a figure the code does not apply. The regimes themselves,
with their sources, are described in docs/markets.md.
"""

from __future__ import annotations

from django.utils.translation import gettext

from retour.markets.regimes import RegimeCode, regime_for_code
from retour.policies.terms import PolicyTerms


def _eu_like(*, days: int, refund_days: int, buyer_pays: bool, uk: bool) -> list[str]:
    paragraphs = [
        gettext(
            "You may withdraw from your purchase without giving any reason within %(days)s "
            "days of the day you, or someone you name, receive the last item of your order."
        )
        % {"days": days},
        gettext(
            "To withdraw, tell us clearly, for example through our returns page. You then have "
            "%(days)s days to send the items back."
        )
        % {"days": days},
    ]
    if uk:
        paragraphs.append(
            gettext(
                "We refund everything you paid, including the standard delivery cost, to the "
                "same means of payment within %(days)s days after we receive the items back or "
                "you show that you sent them, whichever comes first."
            )
            % {"days": refund_days}
        )
    else:
        paragraphs.append(
            gettext(
                "We refund everything you paid, including the standard delivery cost, to the "
                "same means of payment within %(days)s days of your withdrawal. We may wait "
                "until the items are back or you show that you sent them."
            )
            % {"days": refund_days}
        )
    paragraphs.append(
        gettext("You pay the direct cost of sending the items back.")
        if buyer_pays
        else gettext("We pay the cost of sending the items back.")
    )
    paragraphs.append(
        gettext(
            "No restocking fee applies. You are liable only for a loss in value caused by "
            "handling the items more than needed to see what they are and how they work."
        )
    )
    paragraphs.append(
        gettext(
            "The right does not cover items made to your specifications or clearly "
            "personalised, items that spoil quickly, sealed hygiene items or sealed recordings "
            "and software once you unsealed them, and newspapers or magazines."
        )
    )
    return paragraphs


def statutory_paragraphs(*, regime_code: str, terms: PolicyTerms, buyer_pays: bool) -> list[str]:
    """The plain-words statement of the buyer's statutory rights in the active language.

    `buyer_pays`: whether the buyer pays the return on a statutory withdrawal (from
    `fees.fees_allowed`, so that the page and the money planning agree).
    """
    floor = regime_for_code(regime_code).floor
    days = floor.withdrawal_days
    if regime_code in (RegimeCode.EU, RegimeCode.UK):
        paragraphs = _eu_like(
            days=days,
            refund_days=floor.refund_days,
            buyer_pays=buyer_pays,
            uk=regime_code == RegimeCode.UK,
        )
    elif regime_code == RegimeCode.BR:
        paragraphs = [
            gettext(
                "You may withdraw from your purchase within %(days)s days of receiving the "
                "product, without giving any reason."
            )
            % {"days": days},
            gettext(
                "Everything you paid, delivery included, is refunded at once with monetary "
                "correction, and we pay for the return."
            ),
        ]
    elif regime_code == RegimeCode.JP:
        if terms.return_policy_displayed:
            paragraphs = [
                gettext(
                    "This return policy is shown with our offers and on the final confirmation "
                    "screen, so it applies instead of the %(days)s-day statutory return right "
                    "for mail-order purchases."
                )
                % {"days": days}
            ]
        else:
            paragraphs = [
                gettext(
                    "You may cancel your purchase within %(days)s days of delivery; the day of "
                    "delivery counts as the first day. Under this right you pay the cost of the "
                    "return."
                )
                % {"days": days}
            ]
    elif regime_code == RegimeCode.CN:
        paragraphs = [
            gettext(
                "You may return goods within %(days)s days of receipt without giving a reason, "
                "as long as they are intact."
            )
            % {"days": days},
            gettext(
                "This does not cover custom-made goods, fresh or perishable goods, audio-visual "
                "products and software you unsealed, newspapers and periodicals, or goods you "
                "confirmed at purchase as unsuitable for such returns."
            ),
            gettext("We refund the price within %(days)s days of receiving the goods back.")
            % {"days": floor.refund_days},
            gettext("You pay the cost of the return unless we agreed otherwise.")
            if buyer_pays
            else gettext("We pay the cost of the return."),
        ]
    elif regime_code == RegimeCode.AU:
        paragraphs = [
            gettext(
                "Australian law gives no right to return an item because you changed your "
                "mind; where this policy offers it, we honour it as published."
            ),
            gettext(
                "Our products come with guarantees under the Australian Consumer Law that "
                "cannot be excluded. For a major failure you choose a refund or a replacement; "
                "for a minor failure we may choose to repair, replace or refund. We pay the "
                "return of a faulty item."
            ),
        ]
    elif regime_code == RegimeCode.US:
        paragraphs = [
            gettext(
                "There is no general legal right to return online purchases in the United "
                "States; this policy applies."
            ),
            gettext(
                "California: a store whose policy does not give a full refund or an exchange "
                "within 7 days must display that policy clearly (Civil Code §1723). Otherwise "
                "buyers in California may return items for a full refund within 30 days of "
                "purchase."
            ),
        ]
        if not terms.return_policy_displayed:
            paragraphs.append(
                gettext(
                    "This policy is not marked as displayed at checkout, so buyers in "
                    "California have the 30-day right."
                )
            )
    else:
        paragraphs = [
            gettext(
                "The law of this market gives no general right to return online purchases; "
                "this policy applies. Faulty items are handled under our warranty and local "
                "law."
            )
        ]
    if regime_code in (RegimeCode.EU, RegimeCode.UK, RegimeCode.BR, RegimeCode.JP, RegimeCode.CN):
        paragraphs.append(
            gettext(
                "Faulty items are covered by the legal guarantee, separately from this policy: "
                "we put them right at our cost, the return included."
            )
        )
    return paragraphs
