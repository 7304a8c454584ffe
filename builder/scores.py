"""How an ОСР is scored: one indicator's score from its evaluation (a free score, cumulative
parts or graded tiers), the level of a score and the state against the previous year.

Pure and stated once (docs/methodology.md); `compute` applies them to every evaluation and
names them too. Scores are percentage points rounded by `round_score()` and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import models as m

LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH = "низький", "середній", "високий"
STATE_ACHIEVED = "досягнуто"
STATE_PROGRESS = "наявний прогрес"
STATE_NO_PROGRESS = "немає прогресу"
STATE_REGRESS = "наявний регрес"
METHOD_FREE = "вільна оцінка"

_HUNDREDTH = Decimal("0.01")


def round_score(value: int | float) -> float:
    """A score in percentage points, 2 decimal places, halves rounded up (ROUND_HALF_UP)."""
    return float(Decimal(str(value)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """The score of one indicator in one annual evaluation, with what it is made of."""

    indicator: str
    weight: float
    score: float
    method: str  # "сумарні" | "ступені" | "вільна оцінка"
    components: tuple[tuple[str, float], ...]  # (subindicator id, share) counted
    fully: bool
    zero: bool
    rationale: str
    data_source: str | None
    value: str | None
    evaluated: bool = True  # False: the evaluation says nothing of this indicator (scored 0)


def indicator_result(indicator: m.Indicator, given: m.IndicatorScore | None) -> IndicatorResult:
    """Score one indicator: a free score as given, cumulative parts add up, tiers take the highest."""
    weight = float(indicator.weight)
    if given is None:
        return IndicatorResult(
            indicator.id, weight, 0.0, METHOD_FREE, (), False, True, "", None, None, False
        )
    components: tuple[tuple[str, float], ...] = ()
    if given.score is not None or not indicator.subindicators:
        method = METHOD_FREE
        raw = min(float(given.score or 0.0), weight)
    else:
        shares = {s.id: float(s.share) for s in indicator.subindicators}
        achieved = [sid for sid in dict.fromkeys(given.achieved) if sid in shares]
        if indicator.kind == m.SubindicatorKind.TIERED:
            method = m.SubindicatorKind.TIERED.value
            if achieved:
                best = max(achieved, key=lambda sid: (shares[sid], sid))
                components = ((best, shares[best]),)
        else:
            method = m.SubindicatorKind.CUMULATIVE.value
            components = tuple((sid, shares[sid]) for sid in achieved)
        raw = min(sum(share for _, share in components), weight)
    score = round_score(raw)
    return IndicatorResult(
        indicator.id,
        weight,
        score,
        method,
        components,
        weight > 0 and score >= weight,
        score == 0,
        given.rationale,
        given.data_source or indicator.data_source,
        given.value,
    )


def level_of(score: float, levels: m.Levels) -> str:
    """низький / середній / високий from the programme's thresholds (score >= threshold)."""
    if score >= levels.high_from:
        return LEVEL_HIGH
    if score >= levels.medium_from:
        return LEVEL_MEDIUM
    return LEVEL_LOW


def state_of(score: float, previous: float | None) -> str | None:
    """ОСР state (I.2): досягнуто at 100; otherwise compared with the previous evaluation."""
    if score >= 100:
        return STATE_ACHIEVED
    if previous is None:
        return None
    if score > previous:
        return STATE_PROGRESS
    if score == previous:
        return STATE_NO_PROGRESS
    return STATE_REGRESS
