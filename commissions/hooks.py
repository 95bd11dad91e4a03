"""What commissions asks of the apps above it, without importing them (docs/architecture.md).

A quarter's calculation reads the adjustments applied to it (DESIGN §4.3), and closing it waits for the
requests still open (DESIGN §5). Both live in ``approvals``, which sits above commissions: approvals
registers its answers here in its ``AppConfig.ready``, and commissions asks whatever is registered. The
close waits for ``incentives`` too, which registers its own blockers the same way: SPIFF grants and
proposed SPIFFs of the quarter, rule SPIFFs not yet awarded through its end, cash rewards asked in it
still undecided (docs/incentives.md "Operations").
Closing a quarter publishes its statements (DESIGN §5): ``dashboards`` listens for closes here and
e-mails each CSM. The payroll export of a quarter adds the lines other apps pay in it (``incentives``: its
SPIFF awards, docs/design.md §11.3) after asking here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

AdjustmentSource = Callable[[object], QuerySet]
"""``period`` -> the applied adjustments of that quarter: rows with ``customer_id`` (the customer's
key), ``kind`` (``exception`` | ``extra_credit``) and ``value`` (a ratio 0–1, or points), as applied."""


class CloseBlock(str):
    """A close blocker's sentence that names the page where it is settled: ``url`` (a path) and
    ``link_text`` ("See the SPIFFs"). It is the sentence itself wherever a plain ``str`` is read (the close's
    refusal joins them); a plain ``str`` from a blocker has no page of its own, and the console links the
    requests for it (``approvals``' blockers, DESIGN §5)."""

    url: str
    link_text: str

    def __new__(cls, sentence: str, *, url: str = "", link_text: str = "") -> CloseBlock:
        block = super().__new__(cls, sentence)
        block.url, block.link_text = url, link_text or ("See them" if url else "")
        return block


CloseBlocker = Callable[[object], list[str]]
"""``period`` -> what must be settled before the quarter closes, a whole sentence each ([] when none); a
sentence may be a ``CloseBlock`` naming the page where it is settled."""

CloseListener = Callable[[str], None]
"""``period_code`` -> nothing; told once a close has committed (the close stands whatever it does)."""


@dataclass(frozen=True)
class PayrollLine:
    """A payable line of a quarter that is no plan's: ``employee_id`` the person's key (pk), ``code`` what
    pays it (shown in the export's ``plan`` column), ``type`` the export's line type, ``amount`` money."""

    employee_id: int
    code: str
    currency: str
    type: str
    amount: Decimal


PayrollLineSource = Callable[[object], list[PayrollLine]]
"""``period`` -> the lines it pays besides the plans' (a closed quarter's, which never change)."""

_adjustment_sources: list[AdjustmentSource] = []
_close_blockers: list[CloseBlocker] = []
_close_listeners: list[CloseListener] = []
_payroll_sources: list[PayrollLineSource] = []


def register_adjustment_source(source: AdjustmentSource) -> None:
    if source not in _adjustment_sources:
        _adjustment_sources.append(source)


def register_close_blocker(blocker: CloseBlocker) -> None:
    """Make ``close_period`` (and the console's Close button) ask ``blocker`` before every close; once.
    Its sentences may be ``CloseBlock``s carrying their page's link; plain ones link the requests."""
    if blocker not in _close_blockers:
        _close_blockers.append(blocker)


def register_close_listener(listener: CloseListener) -> None:
    if listener not in _close_listeners:
        _close_listeners.append(listener)


def adjustment_sources() -> list[AdjustmentSource]:
    return list(_adjustment_sources)


def close_blockers(period) -> list[str]:
    """Every registered blocker's sentences for ``period``, in registration order (``CloseBlock``s as
    given: ``getattr(sentence, "url", "")`` says whether one names its own page)."""
    return [reason for blocker in _close_blockers for reason in blocker(period)]


def close_listeners() -> list[CloseListener]:
    """Whoever asked to hear of closes, in registration order (``close_period`` calls each on commit)."""
    return list(_close_listeners)


def register_payroll_lines(source: PayrollLineSource) -> None:
    if source not in _payroll_sources:
        _payroll_sources.append(source)


def payroll_lines(period) -> list[PayrollLine]:
    """Every registered source's lines for ``period``, in registration order."""
    return [line for source in _payroll_sources for line in source(period)]
