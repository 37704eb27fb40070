"""Masking secrets: known values in text, secret header names, secret members, secret inputs."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from arazzo_engine._masking import MASK, Masker, secret_inputs

SECRET = "s3cr3t value/+&"


def test_known_secrets_are_masked_in_text() -> None:
    masker = Masker([SECRET])
    assert masker.text(f"before {SECRET} after {SECRET}") == "before *** after ***"
    assert masker.text("nothing here") == "nothing here"


def test_secrets_are_found_in_their_wire_forms() -> None:
    masker = Masker([SECRET])
    assert masker.text(f"https://x/?k={quote(SECRET, safe='')}") == "https://x/?k=***"
    assert masker.text(f"k={quote_plus(SECRET)}&b=1") == "k=***&b=1"
    quoted = 'say "hi"\\there'
    assert Masker([quoted]).text(json.dumps({"p": quoted})) == '{"p": "***"}'


def test_a_longer_secret_containing_a_shorter_one_is_masked_whole() -> None:
    masker = Masker(["abcd", "abcdefgh"])
    assert masker.text("abcdefgh abcd") == "*** ***"


def test_short_values_are_not_secrets() -> None:
    assert Masker(["abc", ""]).secrets == frozenset()
    assert Masker(["abc"]).text("abc") == "abc"


def test_with_secrets_returns_a_new_masker() -> None:
    first = Masker(["token-1"], extra_header_names=["X-Tenant"])
    second = first.with_secrets("token-2")
    assert first.text("token-1 token-2") == "*** token-2"
    assert second.text("token-1 token-2") == "*** ***"
    assert second.headers([("X-Tenant", "acme")]) == (("X-Tenant", MASK),)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("Authorization", "Bearer abc.def.ghi", "Bearer ***"),
        ("authorization", "Basic " + base64.b64encode(b"u:p").decode(), "Basic ***"),
        ("Authorization", "opaque", "***"),
        ("Proxy-Authorization", "Digest username=x, nonce=y", "Digest ***"),
        ("X-API-Key", "k-1", "***"),
        ("X-Auth-Token", "t-1", "***"),
        ("X-Client-Secret", "c-1", "***"),
        ("X-Password", "p-1", "***"),
        ("Cookie", "sid=abc; theme=dark", "sid=***; theme=***"),
        ("Set-Cookie", "sid=abc; Path=/; HttpOnly", "sid=***; Path=/; HttpOnly"),
        ("Content-Type", "application/json", "application/json"),
        ("Accept", "*/*", "*/*"),
    ],
)
def test_secret_headers_are_masked_by_name(name: str, value: str, expected: str) -> None:
    assert Masker().headers([(name, value)]) == ((name, expected),)


def test_other_headers_have_known_secrets_masked() -> None:
    masker = Masker(["tenant-secret"])
    assert masker.headers([("X-Note", "for tenant-secret")]) == (("X-Note", "for ***"),)


def test_extra_header_names_are_masked() -> None:
    assert Masker(extra_header_names=["x-tenant"]).headers([("X-Tenant", "acme")]) == (
        ("X-Tenant", MASK),
    )


def test_values_are_masked_deeply_by_member_name_and_known_secret() -> None:
    masker = Masker(["hunter22"])
    value = {
        "user": "ada",
        "password": "hunter22",
        "apiKey": 12345,
        "api_key": "k",
        "accessToken": {"value": "t", "expires": 3600},
        "client_secret": None,
        "refresh_token": ["a", "b"],
        "note": "my hunter22 is safe",
        "items": [{"name": "x", "secretCode": "y"}],
        "enabled": True,
    }
    assert masker.value(value) == {
        "user": "ada",
        "password": MASK,
        "apiKey": MASK,
        "api_key": MASK,
        "accessToken": {"value": MASK, "expires": MASK},
        "client_secret": None,
        "refresh_token": [MASK, MASK],
        "note": "my *** is safe",
        "items": [{"name": "x", "secretCode": MASK}],
        "enabled": True,
    }
    assert value["password"] == "hunter22"  # the original is not changed


def test_scalars_and_tuples_pass_through_value() -> None:
    masker = Masker(["abcd1234"])
    assert masker.value("x abcd1234") == "x ***"
    assert masker.value(("abcd1234", 1)) == (MASK, 1)
    assert masker.value(None) is None


def test_secret_inputs_by_format_and_by_name() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pin": {"type": "string", "format": "password"},
            "username": {"type": "string"},
        },
    }
    inputs = {
        "pin": "9876",
        "username": "ada-lovelace",
        "apiKey": "key-abcdef",
        "api_key": "key-ghijkl",
        "accessToken": "tok-123456",
        "CLIENT_SECRET": "shh-123",
        "dbPassword": "pw-123",
        "tokenCount": 5,  # not a string
        "refreshToken": "abc",  # too short
    }
    assert secret_inputs(schema, inputs) == {
        "9876",
        "key-abcdef",
        "key-ghijkl",
        "tok-123456",
        "shh-123",
        "pw-123",
    }


def test_secret_inputs_without_a_schema() -> None:
    assert secret_inputs(None, {"token": "t-123456", "name": "x-123456"}) == {"t-123456"}


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("apiKey", True),
        ("api_key", True),
        ("X-API-Key", True),
        ("KNOCK_API_KEY", True),
        ("accessToken", True),
        ("clientSecret", True),
        ("password", True),
        ("key", True),
        ("workflowKey", False),
        ("sortKey", False),
        ("idempotencyKey", False),
        ("monkey", False),
        ("author", False),
    ],
)
def test_secret_names_are_credential_words_not_any_key(name: str, secret: bool) -> None:
    from arazzo_engine._masking import is_secret_name

    assert is_secret_name(name) is secret
