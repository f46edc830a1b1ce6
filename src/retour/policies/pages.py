"""The public return-policy page of a store in a market, generated from the policy's data.

`policy_page(version=...)` builds the page in the active language: structured data (for the
JSON an online store embeds) and the same content as titled sections of sentences (for the
HTML page). Nothing here decides anything: figures come from the version, the law from the
regime, and what the law overrides from `fees.fees_allowed`, so that the page, the rules and
the money planning say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.lists import format_list
from babel.numbers import format_percent
from django.utils.translation import get_language, gettext

from retour.core.money import Money, to_babel_locale
from retour.markets.regimes import Track, regime_for_code
from retour.policies.choices import (
    Evidence,
    Fault,
    LabelPayer,
    OutboundShippingRefund,
    PolicyWindowAnchor,
    RefundTiming,
    Resolution,
    ReturnMethod,
)
from retour.policies.fees import fee_rules
from retour.policies.floors import sample_for_terms
from retour.policies.models import ReturnPolicyVersion, ReturnReason
from retour.policies.selectors import category_names, return_reason_choices
from retour.policies.statutory_texts import statutory_paragraphs
from retour.policies.terms import PolicyTerms, policy_terms


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "paragraphs": list(self.paragraphs)}


@dataclass(frozen=True, slots=True)
class PolicyPage:
    language: str
    title: str
    data: dict[str, Any]
    sections: list[Section]

    def as_dict(self) -> dict[str, Any]:
        return {**self.data, "sections": [section.as_dict() for section in self.sections]}


def _money(amount_minor: int | None, currency: str, language: str) -> dict[str, Any] | None:
    if amount_minor is None:
        return None
    money = Money(amount_minor, currency)
    return {
        "amount_minor": amount_minor,
        "currency": money.currency,
        "formatted": money.format(language),
    }


def _percent(bps: int, language: str) -> str:
    return format_percent(
        Decimal(bps) / Decimal(10_000), format="#,##0.##%", locale=to_babel_locale(language)
    )


def _labels(values, choices) -> list[dict[str, str]]:
    return [{"code": str(value), "label": str(choices(value).label)} for value in values]


def _join(words: list[str], style: str = "standard") -> str:
    """ "a, b, and c" ("or" style: "a, b, or c"; ja: "a、b、c"): the active language's list pattern."""
    return format_list(words, style=style, locale=to_babel_locale(get_language() or "en"))


def _window_section(terms: PolicyTerms) -> Section:
    days = terms.window_days
    if days == 0:
        first = gettext(
            "We do not accept returns for a change of mind under this policy. Your statutory "
            "rights below still apply."
        )
    elif terms.window_anchor == PolicyWindowAnchor.SHIPPED:
        first = gettext("You can return items within %(days)s days of shipment.") % {"days": days}
    elif terms.window_anchor == PolicyWindowAnchor.ORDERED:
        first = gettext("You can return items within %(days)s days of your order.") % {"days": days}
    else:
        first = gettext(
            "You can return items within %(days)s days of delivery. When an order arrives in "
            "several parcels, the days count from the last parcel."
        ) % {"days": days}
    return Section(
        "window",
        gettext("How long you have"),
        [
            first,
            gettext("After you ask for a return, please send the items within %(days)s days.")
            % {"days": terms.ship_back_days},
        ],
    )


def _what_section(
    terms: PolicyTerms, names: dict[str, str], language: str, *, right_applies: bool
) -> Section:
    paragraphs = []
    if terms.excluded_categories:
        listed = [names.get(code, code) for code in terms.excluded_categories]
        paragraphs.append(
            gettext("Items of these categories cannot be returned under this policy: %(list)s.")
            % {"list": _join(listed)}
        )
    paragraphs.append(
        gettext("Items sold as final sale and gift cards cannot be returned under this policy.")
    )
    paragraphs.append(
        gettext(
            "Faulty items, items not as described and items we sent by mistake are handled as "
            "claims, whatever their category."
        )
    )
    if right_applies:
        paragraphs.append(
            gettext("These exclusions do not limit your statutory right of withdrawal (see below).")
        )
    methods = [str(ReturnMethod(value).label) for value in terms.return_methods]
    paragraphs.append(gettext("Ways to send items back: %(list)s.") % {"list": _join(methods)})
    keep_it = _money(terms.keep_it_threshold_minor, terms.currency, language)
    if keep_it is not None:
        paragraphs.append(
            gettext(
                "For items worth less than %(amount)s we may let you keep the item and still "
                "refund you."
            )
            % {"amount": keep_it["formatted"]}
        )
    return Section("what", gettext("What can be returned"), paragraphs)


def _costs_section(terms: PolicyTerms, language: str) -> Section:
    fee = _money(terms.return_label_fee_minor, terms.currency, language)
    if terms.label_payer_customer_fault == LabelPayer.SELLER:
        change_of_mind = gettext(
            "Returns because you changed your mind or an item did not fit are free."
        )
    elif fee is not None:
        change_of_mind = gettext(
            "If you return an item because you changed your mind or it did not fit, %(fee)s "
            "for the return label is deducted from your refund."
        ) % {"fee": fee["formatted"]}
    else:
        change_of_mind = gettext(
            "If you return an item because you changed your mind or it did not fit, the cost "
            "of the return label is deducted from your refund."
        )
    paragraphs = [change_of_mind]
    if terms.label_payer_merchant_fault == LabelPayer.SELLER:
        paragraphs.append(
            gettext("If an item is faulty, not as described or not what you ordered, we pay.")
        )
    if terms.label_payer_carrier_fault == LabelPayer.SELLER:
        paragraphs.append(gettext("If the carrier damaged or delayed your parcel, we pay."))
    if terms.restocking_fee_bps:
        paragraphs.append(
            gettext(
                "A restocking fee of %(percent)s of the item's price applies to change-of-mind "
                "returns under this policy."
            )
            % {"percent": _percent(terms.restocking_fee_bps, language)}
        )
    return Section("costs", gettext("Who pays the return"), paragraphs)


TIMING_SENTENCES = {
    RefundTiming.ON_REQUEST: lambda: gettext("We refund as soon as you ask for the return."),
    RefundTiming.FIRST_CARRIER_SCAN: lambda: gettext(
        "We refund as soon as the carrier scans your parcel."
    ),
    RefundTiming.WAREHOUSE_DELIVERY: lambda: gettext(
        "We refund when your parcel reaches our warehouse."
    ),
    RefundTiming.INSPECTION: lambda: gettext("We refund after we have inspected the items."),
}
OUTBOUND_SENTENCES = {
    OutboundShippingRefund.NEVER: lambda: gettext(
        "The original delivery charge is not refunded under this policy."
    ),
    OutboundShippingRefund.MERCHANT_FAULT: lambda: gettext(
        "The original delivery charge is refunded when we or the carrier are at fault."
    ),
    OutboundShippingRefund.FULL_RETURN: lambda: gettext(
        "The original delivery charge is refunded when you return the whole order."
    ),
    OutboundShippingRefund.ALWAYS: lambda: gettext("The original delivery charge is refunded."),
}


def _refunds_section(terms: PolicyTerms, language: str, reasons: list[ReturnReason]) -> Section:
    options = [str(Resolution(value).label) for value in terms.allowed_resolutions]
    paragraphs = [gettext("You can choose: %(list)s.") % {"list": _join(options, "or")}]
    if terms.store_credit_bonus_bps and Resolution.STORE_CREDIT in terms.allowed_resolutions:
        paragraphs.append(
            gettext("If you choose store credit, we add %(percent)s to it.")
            % {"percent": _percent(terms.store_credit_bonus_bps, language)}
        )
    if terms.advance_exchange_allowed and Resolution.EXCHANGE in terms.allowed_resolutions:
        paragraphs.append(
            gettext("For an exchange, we can send the new item before yours is back.")
        )
    paragraphs.append(TIMING_SENTENCES[terms.refund_timing]())
    paragraphs.append(OUTBOUND_SENTENCES[terms.outbound_shipping_refund]())
    video = _money(terms.evidence_video_threshold_minor, terms.currency, language)
    photo = _money(terms.evidence_photo_threshold_minor, terms.currency, language)
    if photo is not None:
        paragraphs.append(
            gettext("For items worth more than %(amount)s we ask for a photo of the item.")
            % {"amount": photo["formatted"]}
        )
    if video is not None:
        paragraphs.append(
            gettext("For items worth more than %(amount)s we ask for a short video of the item.")
            % {"amount": video["formatted"]}
        )
    for kind, sentence in (
        (
            Evidence.PHOTO,
            gettext("We ask for a photo when you give one of these reasons: %(list)s."),
        ),
        (
            Evidence.VIDEO,
            gettext("We ask for a video when you give one of these reasons: %(list)s."),
        ),
    ):
        labels = [reason.label for reason in reasons if reason.requires_evidence == kind]
        if labels:
            paragraphs.append(sentence % {"list": _join(labels, "or")})
    return Section("refunds", gettext("How refunds work"), paragraphs)


def policy_page(*, version: ReturnPolicyVersion) -> PolicyPage:
    """The page of `version` in the active language (use `translation.override`)."""
    language = get_language() or "en"
    policy = version.policy
    store, market = policy.store, policy.market
    terms = policy_terms(version)
    regime = regime_for_code(market.regime)
    names = category_names(terms.excluded_categories)
    reasons = return_reason_choices(kind=None)
    sample = sample_for_terms(market.regime, terms)
    right_applies = sample.track == Track.STATUTORY_WITHDRAWAL
    on_withdrawal = fee_rules(
        terms=terms,
        regime_code=market.regime,
        track=Track.STATUTORY_WITHDRAWAL,
        fault=Fault.CUSTOMER,
    )
    statutory = Section(
        "statutory",
        gettext("Your statutory rights"),
        [
            *statutory_paragraphs(
                regime_code=market.regime,
                terms=terms,
                buyer_pays=on_withdrawal.label_payer == LabelPayer.BUYER,
            ),
            gettext(
                "These rights apply whatever this policy says; where this policy gives you "
                "more, you get more."
            ),
        ],
    )
    sections = [
        _window_section(terms),
        _what_section(terms, names, language, right_applies=right_applies),
        _costs_section(terms, language),
        _refunds_section(terms, language, reasons),
        statutory,
    ]
    title = gettext("Return policy of %(store)s for %(market)s") % {
        "store": store.name,
        "market": market.display_name,
    }
    data = {
        "title": title,
        "language": language,
        "store": {"code": store.code, "name": store.name},
        "market": {
            "code": market.code,
            "name": market.display_name,
            "currency": market.currency,
            "regime": market.regime,
        },
        "policy_version": {
            "id": version.pk,
            "number": version.number,
            "effective_from": version.effective_from.isoformat(),
        },
        "window": {
            "days": terms.window_days,
            "anchor": terms.window_anchor,
            "ship_back_days": terms.ship_back_days,
        },
        "resolutions": _labels(terms.allowed_resolutions, Resolution),
        "return_methods": _labels(terms.return_methods, ReturnMethod),
        "costs": {
            "label_payer": {
                "customer_fault": terms.label_payer_customer_fault,
                "merchant_fault": terms.label_payer_merchant_fault,
                "carrier_fault": terms.label_payer_carrier_fault,
            },
            "return_label_fee": _money(terms.return_label_fee_minor, terms.currency, language),
            "restocking_fee_bps": terms.restocking_fee_bps,
        },
        "refunds": {
            "timing": terms.refund_timing,
            "outbound_shipping": terms.outbound_shipping_refund,
            "store_credit_bonus_bps": terms.store_credit_bonus_bps,
            "advance_exchange_allowed": terms.advance_exchange_allowed,
        },
        "evidence": {
            "photo_above": _money(terms.evidence_photo_threshold_minor, terms.currency, language),
            "video_above": _money(terms.evidence_video_threshold_minor, terms.currency, language),
        },
        "keep_it_below": _money(terms.keep_it_threshold_minor, terms.currency, language),
        "excluded_categories": [
            {"code": code, "name": names.get(code, code)} for code in terms.excluded_categories
        ],
        "statutory": {
            "regime": market.regime,
            "label": str(regime.label),
            "withdrawal_right": right_applies,
            "withdrawal_days": regime.floor.withdrawal_days if right_applies else None,
            "on_withdrawal": on_withdrawal.as_dict() if right_applies else None,
            "sources": list(regime.sources),
        },
    }
    return PolicyPage(language=language, title=title, data=data, sections=sections)
