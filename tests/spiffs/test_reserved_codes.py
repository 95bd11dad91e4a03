"""A SPIFF's code is part of its page's address (/incentives/spiffs/<code>/): the codes of the pages beside
it are refused by the service, whatever path creates the SPIFF."""

from datetime import date

import pytest

from incentives.errors import SpiffInvalid
from incentives.models import Spiff

from .conftest import rule_spiff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["new", "mine"])
def test_a_code_that_is_a_pages_address_is_refused_by_the_service(ops, plan, code):
    # /incentives/spiffs/new/ and /mine/ are pages: a SPIFF of that code would have no reachable page.
    with pytest.raises(SpiffInvalid, match=f"The code {code} is the address of a page"):
        rule_spiff(ops, code=code, end=date(2021, 5, 31))
    assert not Spiff.objects.exists()
