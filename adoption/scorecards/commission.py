"""A fiscal year's commission scorecards and score source (docs/design.md §9.5).

Each customer has at most one commission scorecard in a year: the scorecards' segments do not overlap,
and a scorecard without segments (it scores every customer) is the year's only one. The choice, and the
year's score source, are fixed once the year's target snapshot is approved — targets and the score they
are measured on do not change during the year. Tracking scorecards may change any time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accounts import access
from accounts.models import User
from core.calendar import CalendarError, FiscalYear
from core.errors import AttainError
from core.fiscal import calendar

from ..models import CommissionScorecard, Scorecard, ScoreSource, Snapshot
from ..scoring.definition import ScorecardSpec


def set_commission_scorecards(fiscal_year: str, codes: Iterable[str], *, user: User | None) -> list[str]:
    """Make ``codes`` the commission scorecards of ``fiscal_year`` (replacing the year's former choice).

    Returns the codes, sorted. Raises ``NotAllowed`` unless ``user`` may manage scorecards, and
    ``AttainError`` for an unknown year or scorecard, overlapping segments (naming the two scorecards
    and the segment), or a year whose target snapshot is approved.
    """
    access.require(access.may_manage_scorecards(user))
    fiscal_year = _year(fiscal_year)
    codes = sorted(set(codes))
    scorecards = list(Scorecard.objects.filter(code__in=codes).order_by("code"))
    unknown = sorted(set(codes) - {s.code for s in scorecards})
    if unknown:
        raise AttainError(f"No scorecard {', '.join(unknown)}: load it first.")
    with transaction.atomic():
        _refuse_frozen(fiscal_year, "its commission scorecards")
        refuse_overlaps({s.code: segments_of(s) for s in scorecards})
        CommissionScorecard.objects.filter(fiscal_year=fiscal_year).delete()
        CommissionScorecard.objects.bulk_create(
            CommissionScorecard(fiscal_year=fiscal_year, scorecard=s) for s in scorecards
        )
    return codes


def set_score_source(fiscal_year: str, source: str, *, user: User | None = None) -> ScoreSource:
    """Say where ``fiscal_year``'s adoption scores come from: ``import`` or ``scorecard``.

    The quarter-end pull takes only scores of that source (``commissions.services.pulls``). Raises
    ``NotAllowed`` unless ``user`` may manage scorecards, ``AttainError`` for another source, an unknown
    year, or a year whose target snapshot is approved.
    """
    access.require(access.may_manage_scorecards(user))
    fiscal_year = _year(fiscal_year)
    if source not in ScoreSource.Source.values:
        raise AttainError(f"A score source is one of {', '.join(ScoreSource.Source.values)}, not {source!r}.")
    with transaction.atomic():
        current = ScoreSource.objects.filter(fiscal_year=fiscal_year).first()
        if current is not None and current.source == source:
            return current
        if current is None and source == ScoreSource.Source.IMPORT:
            return ScoreSource(fiscal_year=fiscal_year, source=source)  # the default: nothing to record
        _refuse_frozen(fiscal_year, "its score source")
        row, _ = ScoreSource.objects.update_or_create(fiscal_year=fiscal_year, defaults={"source": source})
    return row


def score_source_of(fiscal_year: str) -> str:
    """``import`` (the default) or ``scorecard``: where the year's adoption scores come from."""
    row = ScoreSource.objects.filter(fiscal_year=fiscal_year).values_list("source", flat=True).first()
    return row or ScoreSource.Source.IMPORT


def segments_of(scorecard: Scorecard) -> list[tuple[str, ...]]:
    """The segments of each version of ``scorecard`` (any of them may be in force during a year)."""
    return [tuple(segments) for segments in scorecard.versions.values_list("segments", flat=True)]


def refuse_overlaps(segments_by_code: dict[str, list[tuple[str, ...]]]) -> None:
    """Raise ``AttainError`` when two scorecards could score one customer: a shared segment, or a
    scorecard without segments (every customer) beside another one."""
    codes = sorted(segments_by_code)
    for i, first in enumerate(codes):
        for second in codes[i + 1 :]:
            for a in segments_by_code[first]:
                for b in segments_by_code[second]:
                    if not a or not b:
                        everyone = first if not a else second
                        raise AttainError(
                            f"{everyone} scores every customer (it has no segments), so it must be the "
                            f"year's only commission scorecard; {first} and {second} overlap."
                        )
                    shared = sorted(set(a) & set(b))
                    if shared:
                        raise AttainError(
                            f"{first} and {second} both score segment {shared[0]}: a customer has at most "
                            "one commission scorecard in a year."
                        )


def refuse_commission_change_by_version(scorecard: Scorecard, spec: ScorecardSpec) -> None:
    """Raise ``AttainError`` when a new version of ``scorecard`` would change a commission scorecard:
    taking effect by the end of a year whose target snapshot is approved, or overlapping the year's
    other commission scorecards (docs/design.md §9.5)."""
    for fiscal_year in CommissionScorecard.objects.filter(scorecard=scorecard).values_list(
        "fiscal_year", flat=True
    ):
        _, year_end = calendar().year_bounds(FiscalYear.parse(fiscal_year))
        if spec.effective_from <= year_end and _frozen(fiscal_year):
            raise AttainError(
                f"{scorecard.code} is the commission scorecard of {fiscal_year}, whose target snapshot is "
                f"approved: a new version may take effect after {year_end}, not on {spec.effective_from}."
            )
        others = CommissionScorecard.objects.filter(fiscal_year=fiscal_year).exclude(scorecard=scorecard)
        segments = {c.scorecard.code: segments_of(c.scorecard) for c in others.select_related("scorecard")}
        segments[scorecard.code] = [*segments_of(scorecard), tuple(spec.segments)]
        refuse_overlaps(segments)


def _frozen(fiscal_year: str) -> bool:
    return Snapshot.objects.filter(fiscal_year=fiscal_year, status=Snapshot.Status.APPROVED).exists()


def _refuse_frozen(fiscal_year: str, what: str) -> None:
    if _frozen(fiscal_year):
        raise AttainError(
            f"The target snapshot of {fiscal_year} is approved: {what} cannot change during the year."
        )


def _year(fiscal_year: str) -> str:
    try:
        return FiscalYear.parse(fiscal_year.strip().upper()).code
    except (CalendarError, AttributeError):
        raise AttainError(f"{fiscal_year!r} is not a fiscal year such as FY26.") from None
