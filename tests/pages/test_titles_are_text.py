"""Every page's title — the browser tab, the name a screen reader announces first — is plain text: no
markup (a ``<script>`` once slipped into /snapshots/'s title block) and names the page before "Attain"."""

from __future__ import annotations

import re

import pytest

from tests.dashboards_team.conftest import demo_person
from tests.pages.test_every_page_reads_one_way import pages_of

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.mark.parametrize("persona", ["csm", "csvp", "cco", "finance", "ops"])
def test_every_page_title_is_plain_text_naming_the_page(client, demo, persona):
    client.force_login(demo_person(persona))
    wrong = {}
    for url in [*pages_of(persona), "/snapshots/"]:
        response = client.get(url)
        if response.status_code != 200:
            continue  # a page this role may not open has no title of its own to check
        title = TITLE.search(response.content.decode()).group(1).strip()
        if "<" in title or "&lt;" in title or not title.endswith("· Attain") or "\n" in title:
            wrong[url] = title
    assert wrong == {}
