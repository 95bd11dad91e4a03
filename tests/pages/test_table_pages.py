"""A table over 200 rows is paged on the server (``?<table>-page=``), sorted over all its rows
(``?<table>-sort=``), and its downloads hold every row (dashboards/tables.py, docs/design.md §6)."""

import csv
import io
import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.test import RequestFactory

from dashboards.tables import PAGE_SIZE, Column, Table, download

ROWS = 450


def customers_table() -> Table:
    rows = [
        {"customer_id": f"C{n:03}", "r": Decimal(n) / 1000, "arr": Decimal(n * 100), "currency": "EUR"}
        for n in range(ROWS)
    ]
    columns = [Column("customer_id", "Customer"), Column("r", "r", "ratio"), Column("arr", "ARR", "money")]
    return Table("customers", "Customers", columns, rows)


def page(query: str = "") -> str:
    request = RequestFactory().get(f"/my/?{query}")
    return render_to_string("dashboards/_table.html", {"table": customers_table(), "request": request})


def shown_customers(html: str) -> list[str]:
    return re.findall(r'<td class="text" data-sort="c\d+">(C\d+)</td>', html)


def test_a_table_over_200_rows_shows_one_page_of_200_with_previous_and_next():
    first, second, last = page(), page("customers-page=2"), page("customers-page=3")

    assert shown_customers(first) == [f"C{n:03}" for n in range(PAGE_SIZE)]
    assert shown_customers(second)[0] == "C200" and len(shown_customers(second)) == PAGE_SIZE
    assert shown_customers(last) == [f"C{n:03}" for n in range(400, ROWS)]
    assert "Page 1 of 3" in first and 'rel="next" href' not in first
    assert 'href="?customers-page=2" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="?customers-page=1" rel="prev"' in second and 'href="?customers-page=3" rel="next"' in second
    assert "Rows 401–450 of 450" in last


def test_a_page_past_the_end_or_not_a_number_shows_the_last_or_the_first():
    assert shown_customers(page("customers-page=99"))[0] == "C400"
    assert shown_customers(page("customers-page=x"))[0] == "C000"


def test_sorting_a_paged_table_orders_every_row_before_paging():
    html = page("customers-sort=-arr")

    assert shown_customers(html)[:2] == ["C449", "C448"]
    assert 'aria-sort="descending"' in html
    assert 'href="?customers-sort=arr&amp;customers-page=1"' in html  # the next click turns it around


def test_a_table_of_200_rows_or_fewer_is_not_paged_and_sorts_in_the_browser():
    table = customers_table()
    table.rows = table.rows[:PAGE_SIZE]
    html = render_to_string("dashboards/_table.html", {"table": table, "request": RequestFactory().get("/")})

    assert len(shown_customers(html)) == PAGE_SIZE
    assert "pagination" not in html and 'class="listing table table-sm sortable"' in html


def test_the_downloads_of_a_paged_table_hold_every_row_with_exact_decimals():
    request = RequestFactory().get("/my/?customers-page=2&download=customers&format=csv")

    lines = list(csv.reader(io.StringIO(download(request, [customers_table()]).content.decode())))

    assert lines[0] == ["Customer", "r", "ARR"]
    assert len(lines) == ROWS + 1
    assert lines[124] == ["C123", "0.1230", "12300.00"]  # ratios with 4 decimals, money with 2 (DESIGN §6)


def test_cells_write_ratios_as_percentages_and_money_with_its_currency():
    html = page("customers-page=2")

    assert '<td class="ratio" data-sort="0.201">20.1%</td>' in html
    assert '<td class="money" data-sort="20100">20,100.00 EUR</td>' in html


def test_abbreviated_headers_are_explained_on_hover_and_to_screen_readers():
    html = page()

    assert re.search(r'<abbr title="r: a customer&#x27;s adoption progress[^"]*">r</abbr>', html)
    assert '<abbr title="ARR: annual recurring revenue">ARR</abbr><span class="visually-hidden">' in html
    assert 'href="?customers-sort=customer_id&amp;customers-page=1">Customer<span' in html  # a plain word
