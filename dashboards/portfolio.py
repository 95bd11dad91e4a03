"""Portfolio KPIs on the CSM, team and company pages (docs/kpis.md "Pages", docs/design.md §10): the values
the daily job stored (``PortfolioKpiDay``) on the latest day it computed and each KPI's weekly values for its
sparkline. A CSM's segments and open tasks beside them: ``dashboards.csm.worklist``.

Reads only, in a fixed number of queries whatever the number of CSMs, geos or customers:

- the latest values: one query (the latest day is a subquery), plus one to tell "never computed" from
  "nothing stored for this portfolio that day" only when it finds no row;
- the sparklines: one query for the weekly days D, D − 7, …, D − 7 × (weeks − 1) (``KPI_TREND_WEEKS``).

Which portfolio a person may see is decided by the pages' existing scoping (``csm_shown``, ``geo_for``,
``may_see_company``), never here: these functions read the portfolio they are given.

Values are written through core.formatting (docs/design.md §6 "Formats"): a count as whole customers, a
ratio (0–1) as a percentage with one decimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, Subquery
from django.urls import reverse

from accounts.models import User
from adoption.kpis import COUNT, kpi_codes
from adoption.models import PortfolioKpiDay
from adoption.portfolio.inputs import kpi_rules
from core import formatting as fmt
from dashboards.glossary import kpi_definition, kpi_label
from dashboards.tables import Column, Table

Level = PortfolioKpiDay.Level
COMPUTE_COMMAND = "compute_kpis"  # how operations computes (or backfills) the stored KPIs


def csm_key(csm: User) -> str:
    """The ``key`` of a CSM's rows in ``PortfolioKpiDay``: their employee id (as /my/<employee_id>/)."""
    return csm.employee_id or ""


def latest_kpi_day() -> date | None:
    """The latest day with stored KPI rows, of any portfolio; None when none was ever computed. One query."""
    return PortfolioKpiDay.objects.order_by("-day").values_list("day", flat=True).first()


def _latest_day_subquery() -> Subquery:
    return Subquery(PortfolioKpiDay.objects.order_by("-day").values("day")[:1])


def trend_days(day: date, weeks: int) -> list[date]:
    """The sparkline's days, oldest first: D − 7 × (weeks − 1), …, D − 7, D (docs/kpis.md
    ``weekly_active``: 12 values, D − 77 … D, by default); weeks that would fall before the calendar's
    first day (0001-01-01) are left out, as no day there can be stored."""
    reach = [7 * back for back in reversed(range(weeks))]
    return [day - timedelta(days=back) for back in reach if day.toordinal() - back >= date.min.toordinal()]


# --- a KPI's value as a tile or a table cell shows it -----------------------------------------------------


def value_text(value: Decimal | None, unit: str) -> str:
    """A stored KPI value for a page: a count as whole customers (``12``), a ratio as a percentage with
    one decimal (``82.7%``); ``—`` for none (a count or a ratio over no customer with a value,
    docs/design.md §10.2)."""
    if value is None:
        return fmt.MISSING
    return fmt.number(value) if unit == COUNT else fmt.percent(value)


def unit_text(value: Decimal | None, unit: str) -> str:
    """The unit written beside a count: ``customer`` or ``customers``; "" beside a percentage (its ``%``
    is its unit) and beside no value."""
    if unit != COUNT or value is None:
        return ""
    return "customer" if value == 1 else "customers"


def _note(code: str, unit: str, row: PortfolioKpiDay) -> str:
    """What a value is made of, from the stored integer sums (``PortfolioKpiDay``; docs/kpis.md)."""
    if code == "qbr_coverage":  # docs/kpis.md: "a percentage, with the two counts beside it"
        return f"{fmt.number(row.numerator)} of {fmt.number(row.denominator)} customers past onboarding"
    if code == "avg_utilisation":
        return f"{fmt.number(row.numerator)} of {fmt.number(row.denominator)} seats in use"
    if code == "dau_mau":
        return f"{fmt.number(row.numerator)} daily of {fmt.number(row.denominator)} monthly active users"
    if unit == COUNT and row.value is None:  # docs/design.md §10.2: no customer measured, not 0
        return f"no value: none of the {fmt.number(row.customers)} customers in the portfolio measured"
    if unit == COUNT:
        return f"of {fmt.number(row.customers)} customers in the portfolio"
    return ""


@dataclass(frozen=True)
class Sparkline:
    """A KPI's weekly values drawn as an inline SVG polyline (no script, no CDN): ``points`` are
    ``(day, value or None)`` oldest first; ``lines`` the SVG ``points`` attribute of each unbroken run of
    values (a week without a stored value breaks the line), ``dots`` the (x, y) of values standing alone,
    ``last`` the latest value's (x, y). Coordinates in the SVG's own units, one decimal."""

    WIDTH = 120
    HEIGHT = 32
    PAD = 3

    points: tuple[tuple[date, Decimal | None], ...]
    lines: tuple[str, ...]
    dots: tuple[tuple[str, str], ...]
    last: tuple[str, str] | None

    @classmethod
    def of(cls, points: list[tuple[date, Decimal | None]]) -> Sparkline:
        """The sparkline of ``points``; values scaled between their lowest and highest (a flat line across
        the middle when they are all equal). Floats never touch a value: coordinates are Decimals."""
        values = [v for _, v in points if v is not None]
        low, high = (min(values), max(values)) if values else (Decimal(0), Decimal(0))
        span_x = Decimal(cls.WIDTH - 2 * cls.PAD)
        span_y = Decimal(cls.HEIGHT - 2 * cls.PAD)
        step = span_x / max(len(points) - 1, 1)

        def xy(index: int, value: Decimal) -> tuple[str, str]:
            x = Decimal(cls.PAD) + step * index
            share = (value - low) / (high - low) if high > low else Decimal("0.5")
            y = Decimal(cls.PAD) + span_y * (1 - share)
            tenth = Decimal("0.1")
            return (str(x.quantize(tenth, ROUND_HALF_UP)), str(y.quantize(tenth, ROUND_HALF_UP)))

        runs: list[list[tuple[str, str]]] = [[]]
        for index, (_, value) in enumerate(points):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(xy(index, value))
        lines = tuple(" ".join(f"{x},{y}" for x, y in run) for run in runs if len(run) > 1)
        dots = tuple(run[0] for run in runs if len(run) == 1)
        last_value = points[-1][1] if points else None
        last = xy(len(points) - 1, last_value) if last_value is not None else None
        return cls(points=tuple(points), lines=lines, dots=dots, last=last)


@dataclass(frozen=True)
class KpiTile:
    """One KPI of one portfolio on the day shown: ``code`` (adoption.kpis.kpi_codes), its ``label`` and
    hover ``definition`` (docs/kpis.md, dashboards.glossary), ``unit`` (``customers`` or ``ratio``),
    the stored ``value`` (a count, or a ratio 0–1; None when the ratio had no customer, or the KPI was not
    stored that day) written as ``text`` with ``unit_text``, a ``note`` of what it is made of, and the
    ``trend``: ``(day, value, text)`` per week, oldest first (``trend_text``), drawn as ``sparkline``."""

    code: str
    label: str
    definition: str
    unit: str
    value: Decimal | None
    text: str
    unit_text: str
    note: str
    stored: bool
    trend: tuple[tuple[date, Decimal | None, str], ...] = ()
    sparkline: Sparkline | None = None

    @property
    def slug(self) -> str:
        """The tile's id on the page (``key_feature:reports → key_feature-reports``)."""
        return self.code.replace(":", "-").replace("_", "-")

    @property
    def aria_label(self) -> str:
        """The tile's name for a screen reader: ``Customers active at least weekly: 12 customers``."""
        unit = f" {self.unit_text}" if self.unit_text else ""
        return f"{self.label}: {self.text}{unit}"


@dataclass(frozen=True)
class KpiBoard:
    """A portfolio's KPI tiles on the day shown: ``day`` is the latest day computed (None: KPIs were never
    computed), ``tiles`` are empty when nothing was stored for this portfolio that day; ``customers`` the
    portfolio's members that day."""

    title: str
    day: date | None
    tiles: list[KpiTile] = field(default_factory=list)
    customers: int | None = None
    weeks: int = 12
    command: str = COMPUTE_COMMAND

    @property
    def computed(self) -> bool:
        return self.day is not None


def _codes() -> dict[str, str]:
    return kpi_codes(kpi_rules())


def _tile(code: str, unit: str, row: PortfolioKpiDay | None) -> KpiTile:
    value = row.value if row is not None else None
    return KpiTile(
        code=code,
        label=kpi_label(code),
        definition=kpi_definition(code),
        unit=unit,
        value=value,
        text=value_text(value, unit),
        unit_text=unit_text(value, unit),
        note=_note(code, unit, row) if row is not None else "not stored on this day",
        stored=row is not None,
    )


def trend_text(values: dict[tuple[str, date], Decimal | None], code: str, day: date, unit: str) -> str:
    """A sparkline's value as its list for screen readers says it: the value as a tile writes it, "no
    value" for a KPI — count or ratio — stored without one (no customer with a value, docs/design.md
    §10.2), "not stored" for a day without a row. Either is a gap in the line, never 0."""
    if (code, day) not in values:
        return "not stored"
    value = values[(code, day)]
    return "no value" if value is None else value_text(value, unit)


def _with_trend(tile: KpiTile, days: list[date], values: dict[tuple[str, date], Decimal | None]) -> KpiTile:
    points = [(day, values.get((tile.code, day))) for day in days]
    trend = tuple((day, value, trend_text(values, tile.code, day, tile.unit)) for day, value in points)
    return replace(tile, trend=trend, sparkline=Sparkline.of(points))


def _trend_values(level: str, key: str, day: date, weeks: int) -> dict[tuple[str, date], Decimal | None]:
    """(kpi, day) -> stored value on the sparkline's days of one portfolio. One query."""
    rows = PortfolioKpiDay.objects.filter(level=level, key=key, day__in=trend_days(day, weeks)).order_by()
    return {(kpi, on): value for kpi, on, value in rows.values_list("kpi", "day", "value")}


def _board(title: str, level: str, key: str, rows: list[PortfolioKpiDay], codes: dict[str, str]) -> KpiBoard:
    """The tiles of the portfolio (``level``, ``key``) from the latest day's ``rows`` (of any portfolios),
    with their sparklines (one query); no row of the portfolio: the day only (one query if no row at all)."""
    weeks = kpi_rules().trend_weeks
    mine = {row.kpi: row for row in rows if row.level == level and row.key == key}
    day = rows[0].day if rows else latest_kpi_day()
    if not mine or day is None:
        return KpiBoard(title=title, day=day, weeks=weeks)
    tiles = [_tile(code, unit, mine.get(code)) for code, unit in codes.items()]
    values = _trend_values(level, key, day, weeks)
    days = trend_days(day, weeks)
    customers = max(row.customers for row in mine.values())
    return KpiBoard(
        title=title,
        day=day,
        tiles=[_with_trend(tile, days, values) for tile in tiles],
        customers=customers,
        weeks=weeks,
    )


def _latest_rows(portfolios: Q) -> list[PortfolioKpiDay]:
    """The rows of the latest day computed that ``portfolios`` selects. One query."""
    return list(PortfolioKpiDay.objects.filter(portfolios, day=_latest_day_subquery()).order_by())


# --- the three pages ----------------------------------------------------------------------------------------


def csm_board(csm: User) -> KpiBoard:
    """The KPI tiles of ``csm``'s book on the latest day computed, with 12-week sparklines. Two queries
    (three when nothing is stored for the book)."""
    key = csm_key(csm)
    rows = _latest_rows(Q(level=Level.CSM, key=key))
    return _board(f"Adoption KPIs of {csm.name}'s book", Level.CSM, key, rows, _codes())


@dataclass(frozen=True)
class KpiTable:
    """The tiles of a portfolio (a geo, the company) and a table of the same KPIs per CSM or geo."""

    board: KpiBoard
    table: Table


def kpi_columns(codes: dict[str, str]) -> list[Column]:
    """One column per KPI, headed by its label and explained on hover by its definition."""
    kinds = {COUNT: "number"}
    return [
        Column(f"kpi_{index}", kpi_label(code), kinds.get(unit, "percent"), help=kpi_definition(code))
        for index, (code, unit) in enumerate(codes.items())
    ]


def _cells(codes: dict[str, str], rows: Iterable[PortfolioKpiDay]) -> dict[str, Any]:
    """A table row's KPI cells (``kpi_<n>`` -> value; a count as an int, a ratio as its Decimal)."""
    by_code = {row.kpi: row for row in rows}
    cells: dict[str, Any] = {}
    for index, (code, unit) in enumerate(codes.items()):
        row = by_code.get(code)
        value = row.value if row is not None else None
        cells[f"kpi_{index}"] = int(value) if value is not None and unit == COUNT else value
    return cells


def team_kpis(geo: str, csms: list[User]) -> KpiTable:
    """The geo's KPI tiles and a row per CSM of the team (``csms``, already scoped by the team page) on the
    latest day computed, each CSM's name opening their page (/my/<employee_id>/). A CSM with nothing
    stored that day has empty cells. Two queries (three when the geo has no row that day)."""
    codes = _codes()
    keys = [csm_key(csm) for csm in csms]
    rows = _latest_rows(Q(level=Level.GEO, key=geo) | Q(level=Level.CSM, key__in=keys))
    board = _board(f"Adoption KPIs of {geo or '(no geo)'}", Level.GEO, geo, rows, codes)
    by_csm: dict[str, list[PortfolioKpiDay]] = {}
    for row in rows:
        if row.level == Level.CSM:
            by_csm.setdefault(row.key, []).append(row)
    table_rows = []
    for csm in csms:
        mine = by_csm.get(csm_key(csm), [])
        table_rows.append(
            {
                "csm": csm.name,
                "employee_id": csm.employee_id,
                "url": reverse("dashboards:csm-quarter", kwargs={"employee_id": csm.employee_id}),
                "customers": max((row.customers for row in mine), default=None),
                **_cells(codes, mine),
            }
        )
    columns = [Column("csm", "CSM"), Column("customers", "Customers", "number"), *kpi_columns(codes)]
    title = f"Adoption KPIs per CSM{_as_of(board.day)}"
    return KpiTable(board, Table("kpis-per-csm", title, columns, table_rows, links={"csm": "url"}))


def company_kpis() -> KpiTable:
    """The company's KPI tiles and a row per geo on the latest day computed, each geo opening its team
    page (/team/?geo=<geo>). Two queries (three when the company has no row that day)."""
    codes = _codes()
    rows = _latest_rows(Q(level__in=[Level.GEO, Level.COMPANY]))
    board = _board("Adoption KPIs of the company", Level.COMPANY, "", rows, codes)
    by_geo: dict[str, list[PortfolioKpiDay]] = {}
    for row in rows:
        if row.level == Level.GEO:
            by_geo.setdefault(row.key, []).append(row)
    team = reverse("dashboards:team")
    table_rows = [
        {
            "geo": geo or "(no geo)",
            "url": f"{team}?{urlencode({'geo': geo})}",
            "customers": max(row.customers for row in mine),
            **_cells(codes, mine),
        }
        for geo, mine in sorted(by_geo.items())
    ]
    columns = [Column("geo", "Geo"), Column("customers", "Customers", "number"), *kpi_columns(codes)]
    title = f"Adoption KPIs per geo{_as_of(board.day)}"
    return KpiTable(board, Table("kpis-per-geo", title, columns, table_rows, links={"geo": "url"}))


def _as_of(day: date | None) -> str:
    return f", as of {fmt.iso_date(day)}" if day is not None else ""
