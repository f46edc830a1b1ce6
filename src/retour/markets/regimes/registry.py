"""The one map from regime code to implementation.

A fixed table in code: adding a regime means a module, a `RegimeCode` value (plus the migration
that widens `market_regime_known`), a line here, and tests. No class names in settings, no
dynamic loading (an application, not a framework).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from retour.markets.exceptions import UnknownRegime
from retour.markets.regimes import (
    australia,
    brazil,
    china,
    european,
    japan,
    no_right,
    united_states,
)
from retour.markets.regimes.types import Regime, RegimeCode

REGIMES: Mapping[str, Regime] = MappingProxyType(
    {
        RegimeCode.EU: Regime(
            code=RegimeCode.EU,
            label=RegimeCode.EU.label,
            sources=(
                "Directive 2011/83/EU (Consumer Rights Directive), Art. 9, 10, 13, 14, 16",
                "Regulation (EEC, Euratom) No 1182/71 (periods, dates and time limits)",
                "Directive (EU) 2023/2673 (Art. 11a withdrawal function, from 19 June 2026)",
            ),
            floor=european.FLOOR_EU,
            evaluator=european.evaluate_eu,
        ),
        RegimeCode.UK: Regime(
            code=RegimeCode.UK,
            label=RegimeCode.UK.label,
            sources=(
                "Consumer Contracts (Information, Cancellation and Additional Charges) "
                "Regulations 2013 (SI 2013/3134), reg. 28, 30, 31, 34, 35",
            ),
            floor=european.FLOOR_UK,
            evaluator=european.evaluate_uk,
        ),
        RegimeCode.BR: Regime(
            code=RegimeCode.BR,
            label=RegimeCode.BR.label,
            sources=("Lei 8.078/1990 (CDC), art. 49", "Decreto 7.962/2013, art. 5"),
            floor=brazil.FLOOR,
            evaluator=brazil.evaluate,
        ),
        RegimeCode.JP: Regime(
            code=RegimeCode.JP,
            label=RegimeCode.JP.label,
            sources=("Act on Specified Commercial Transactions, Art. 15-3",),
            floor=japan.FLOOR,
            evaluator=japan.evaluate,
        ),
        RegimeCode.CN: Regime(
            code=RegimeCode.CN,
            label=RegimeCode.CN.label,
            sources=(
                "Consumer Rights and Interests Protection Law, Art. 25",
                "SAMR Interim Measures for Seven-Day No-Reason Returns of Online Purchases (2017)",
            ),
            floor=china.FLOOR,
            evaluator=china.evaluate,
        ),
        RegimeCode.AU: Regime(
            code=RegimeCode.AU,
            label=RegimeCode.AU.label,
            sources=("Australian Consumer Law (Competition and Consumer Act 2010, Sch. 2)",),
            floor=australia.FLOOR,
            evaluator=australia.evaluate,
        ),
        RegimeCode.US: Regime(
            code=RegimeCode.US,
            label=RegimeCode.US.label,
            sources=(
                "California Civil Code §1723",
                "16 CFR 435 (FTC Mail, Internet, or Telephone Order Merchandise Rule)",
            ),
            floor=united_states.FLOOR,
            evaluator=united_states.evaluate,
        ),
        RegimeCode.NONE: Regime(
            code=RegimeCode.NONE,
            label=RegimeCode.NONE.label,
            sources=(),
            floor=no_right.FLOOR,
            evaluator=no_right.evaluate,
        ),
    }
)


def regime_for_code(code: str) -> Regime:
    try:
        return REGIMES[code]
    except KeyError as error:
        raise UnknownRegime(extra={"regime": code}) from error
