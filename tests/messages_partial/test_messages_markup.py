"""The shared messages partial (templates/approvals/_messages.html) shows each message in a box of its
own, an error as an alert and anything else as a status, and no list whose role would hide its items'
list semantics; recognition's pages show their messages through it too."""

import re

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .conftest import ERROR, PAGE, SUCCESS

pytestmark = pytest.mark.django_db


def test_a_success_is_a_status_and_an_error_an_alert_in_no_list(client, ops, draft):
    client.force_login(ops)
    assert client.post(f"{PAGE}start/").status_code == 302  # the success, not shown yet
    assert client.post(f"{PAGE}start/").status_code == 302  # the error: the contest is active

    html = client.get(PAGE).content.decode()

    (block,) = re.findall(r'<div class="messages">.*?</div>\s*</div>', html, flags=re.S)
    boxes = re.findall(r'<div class="message (\w+)" role="(\w+)">([^<]*)</div>', block)
    assert [(tag, role) for tag, role, _ in boxes] == [("success", "status"), ("error", "alert")]
    assert boxes[0][2] == SUCCESS and boxes[1][2].endswith(ERROR)
    assert "<ul" not in block and "<li" not in block
    assert client.get(PAGE).content.decode().count('class="message ') == 0  # shown once


def test_recognition_has_no_copy_of_the_partial_of_its_own():
    with pytest.raises(TemplateDoesNotExist):
        get_template("recognition/_messages.html")
