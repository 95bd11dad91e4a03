"""The signature of a webhook (docs/webhooks.md "Signature"): HMAC-SHA256 over ``f"{t}.{body}"``."""

import hashlib
import hmac

from webhooks.signing import sign, signature_header, verify_signature

SECRET = "whsec_test"
BODY = b'{"event":"quarter.closed","id":"x"}'


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, 1700000000, BODY) == expected
    assert signature_header(SECRET, BODY, timestamp=1700000000) == f"t=1700000000,v1={expected}"


def test_known_vector_from_another_tool():
    # `printf '1.{}' | openssl dgst -sha256 -hmac key`: the same HMAC made without Python.
    assert sign("key", 1, b"{}") == "1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"


def test_a_valid_signature_within_tolerance_verifies():
    header = signature_header(SECRET, BODY, timestamp=1000)

    assert verify_signature(SECRET, header, BODY, now=1000 + 299)
    assert verify_signature(SECRET, header, BODY, now=1000 - 299)


def test_a_stale_timestamp_is_refused_as_a_replay():
    header = signature_header(SECRET, BODY, timestamp=1000)

    assert not verify_signature(SECRET, header, BODY, now=1000 + 301)
    assert verify_signature(SECRET, header, BODY, tolerance=600, now=1000 + 301)


def test_another_body_or_secret_or_timestamp_is_refused():
    header = signature_header(SECRET, BODY, timestamp=1000)
    signature = header.split("v1=")[1]

    assert not verify_signature(SECRET, header, BODY + b" ", now=1000)
    assert not verify_signature("whsec_other", header, BODY, now=1000)
    assert not verify_signature(SECRET, f"t=1001,v1={signature}", BODY, now=1000)


def test_a_malformed_header_is_refused_not_raised():
    for header in ("", "v1=abc", "t=1000", "t=soon,v1=abc", "garbage"):
        assert not verify_signature(SECRET, header, BODY, now=1000)


def test_any_of_several_signatures_may_match():
    good = sign(SECRET, 1000, BODY)

    assert verify_signature(SECRET, f"t=1000,v1=deadbeef,v1={good}", BODY, now=1000)
