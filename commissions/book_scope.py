"""The book one load reads: some CSMs' customers at a day (DESIGN §4 "Book"), with their customer keys.

``book_scope`` is the context manager around one load (``loaders.load``). It narrows each query of the
load to the CSMs and their book; everything when ``employees`` is None. ``codes`` maps the customer keys
of the book to customer ids, so the queries read the keys and need not join the customer table each
(about 35 ms a query at 100,000 customers).

On PostgreSQL a book of many CSMs is computed once into a temporary table (``temporary_book``) that
every query of the load reads: as a subquery, each query recomputed it over the whole ownership history
(about 0.13 s a query for a plan of 700 CSMs at 100,000 customers).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from django.db import connection, transaction

from adoption.access import book_of
from adoption.models import Customer

from .engine.tables import frame
from .temporary_book import temporary_book

# A book of at least this many CSMs is computed once per load into a temporary table (PostgreSQL).
MATERIALISE_BOOK_FROM = 50


@dataclass
class BookScope:
    """What one load reads: ``employees`` (user ids; None: everyone), ``customers`` (their book, as a
    subquery of customer ids; None: every customer) and ``codes`` (customer key -> customer id)."""

    employees: list[int] | None
    customers: object | None
    codes: dict[int, str] = field(default_factory=dict)

    def people(self, queryset, field: str = "employee_id"):
        return queryset if self.employees is None else queryset.filter(**{f"{field}__in": self.employees})

    def book(self, queryset, field: str = "customer_id"):
        return queryset if self.customers is None else queryset.filter(**{f"{field}__in": self.customers})

    def table(self, kind: str, rows) -> pd.DataFrame:
        """``frame`` of rows whose ``customer_id`` is the customer key, turned into the customer id.

        A key the map lacks (a customer that joined the book between two of a dashboard's queries; a
        temporary book cannot change) is looked up, so the load never fails on it.
        """
        table = frame(kind, rows)
        if table.empty:
            return table
        keys = table["customer_id"]
        missing = set(keys.dropna()) - self.codes.keys()
        if missing:
            self.codes.update(Customer.objects.filter(pk__in=missing).values_list("pk", "customer_id"))
        table["customer_id"] = [None if pk is None else self.codes[pk] for pk in keys]
        return table


@contextmanager
def book_scope(employees: Collection[int] | None, day: date) -> Iterator[BookScope]:
    """The scope of one load: ``employees``' book on ``day`` (DESIGN §4 "Book"), or everything."""
    if employees is None:
        yield BookScope(None, None, dict(Customer.objects.order_by().values_list("pk", "customer_id")))
        return
    employees = list(employees)
    book = book_of(employees, day)
    if connection.vendor != "postgresql" or len(employees) < MATERIALISE_BOOK_FROM:
        codes = dict(Customer.objects.filter(pk__in=book).order_by().values_list("pk", "customer_id"))
        yield BookScope(employees, book, codes)
        return
    # The table lives in the load's transaction: a failed load rolls it back with the transaction.
    with transaction.atomic(), temporary_book(book) as (customers, codes):
        yield BookScope(employees, customers, codes)
