"""What a person reads on a page, parsed with the standard library's HTML parser: the visible text
(without scripts, styles, form options, numeric cells such as FX rates and the charts), and every element
with its text and its ancestors (headings, tables, money cells)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNREAD = {"script", "style", "template", "select", "textarea"}
# Numeric cells (an FX rate such as 1.0850 is no ratio), and the charts (dashboards/charts.py writes
# their figures and data tables; their own tests hold them).
UNCHECKED = {"number", "chart", "headline"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    ancestors: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def inside(self, *classes: str) -> bool:
        return any(set(a.get("class", "").split()) & set(classes) for _, a in self.ancestors)


class Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str], list[str]]] = []
        self.text_parts: list[str] = []
        self.elements: list[Element] = []  # in the order they close

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, {name: value or "" for name, value in attrs}, []))

    def handle_endtag(self, tag):
        if not any(open_tag == tag for open_tag, _, _ in self.stack):
            return
        while self.stack:
            open_tag, attrs, text = self.stack.pop()
            shown = "".join(text)
            self.elements.append(Element(open_tag, attrs, shown, [(t, a) for t, a, _ in self.stack]))
            if self.stack:
                self.stack[-1][2].append(shown)
            if open_tag == tag:
                break

    def handle_data(self, data):
        tags = [t for t, _, _ in self.stack]
        if UNREAD & set(tags):
            return
        if self.stack:
            self.stack[-1][2].append(data)
        if not any(set(a.get("class", "").split()) & UNCHECKED for _, a, _ in self.stack):
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text_parts))

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def headings(self) -> list[int]:
        """The heading levels in document order (elements close in order of their end tags; headings
        do not nest, so this is their order on the page)."""
        return [int(e.tag[1]) for e in self.elements if re.fullmatch(r"h[1-6]", e.tag)]


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    reader.close()
    return reader
