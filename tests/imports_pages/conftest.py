"""Helpers for the Imports page's tests: workbooks built in memory, personas, jobs run at once."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import pytest

from accounts.models import Role
from tests.builders import make_user


def xlsx(rows: Iterable[Iterable[Any]], *, title: str = "Data", more_sheets: int = 0) -> bytes:
    """A workbook whose first sheet holds ``rows`` (None leaves a cell empty) as typed cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for n in range(more_sheets):
        book.create_sheet(f"Other {n}").append(["not", "imported"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def in_sheet(data: bytes, old: str, new: str) -> bytes:
    """``data`` with ``old`` replaced by ``new`` in its sheets' XML (what Excel would have saved)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                assert old.encode() in content, old
                content = content.replace(old.encode(), new.encode())
            target.writestr(item, content)
    return out.getvalue()


def with_cached_value(data: bytes, formula: str, value: str) -> bytes:
    """``data`` with the saved value ``value`` after the formula ``formula`` (as Excel saves it)."""
    return in_sheet(data, f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{value}</v>")


def shared_strings(data: bytes) -> bytes:
    """``data`` with its text cells in a shared-strings table, as Excel saves them (openpyxl writes
    them inline)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    strings: list[str] = []

    def shared(match: re.Match) -> str:
        strings.append(match.group(3))
        return f'<c r="{match.group(1)}"{match.group(2) or ""} t="s"><v>{len(strings) - 1}</v></c>'

    inline = re.compile(
        r'<c r="(\w+)"( s="\d+")? t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
    )
    parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    for name in [name for name in parts if name.startswith("xl/worksheets/")]:
        parts[name] = inline.sub(shared, parts[name].decode()).encode()
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    return "".join(",".join("" if cell is None else str(cell) for cell in row) + "\n" for row in rows)


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com", name="Olive Ops")


@pytest.fixture
def other_ops(db):
    return make_user(Role.OPS, email="ops2@example.com", name="Otto Ops")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, email="csm@example.com")


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def run_now(monkeypatch, django_capture_on_commit_callbacks):
    """``run_now(fn, *args, **kwargs)`` calls ``fn`` and then the import-job tasks it queued on commit, at
    once in this process (as an eager worker does), with or without REDIS_URL."""
    from commissions import tasks

    monkeypatch.setattr(
        tasks.run_import_job, "delay", lambda job_id: tasks.run_import_job.apply(args=[job_id])
    )

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


class Upload(io.BytesIO):
    """An uploaded file as a view hands it to the service: bytes with a name and a size."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name, self.size = name, len(data)
