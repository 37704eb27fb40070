"""OpenAPI parameter styles: the "Style Examples" table, cell by cell.

The table is the one of OpenAPI 3.1.1 and 3.2.0 (``versions/3.1.1.md`` and
``versions/3.2.0.md`` of OAI/OpenAPI-Specification), which corrects two cells of 3.1.0: ``label``
without ``explode`` separates array items and object members with commas (RFC 6570 §3.2.5), and
``spaceDelimited`` / ``pipeDelimited`` keep the parameter name. Query styles are written the
way the table writes them, as the pairs joined with ``&``; path styles as the text that
replaces ``{color}``. The value for the "undefined" column is ``None``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arazzo_engine._serialization import (
    SerializationError,
    keep,
    percent_encode,
    scalar_text,
    serialize_cookie,
    serialize_header,
    serialize_path,
    serialize_query,
)

STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}
UNDEFINED = None

# (style, explode, value, expected) for every cell of the table that is not n/a.
PATH_TABLE = [
    ("matrix", False, UNDEFINED, ";color"),
    ("matrix", False, STRING, ";color=blue"),
    ("matrix", False, ARRAY, ";color=blue,black,brown"),
    ("matrix", False, OBJECT, ";color=R,100,G,200,B,150"),
    ("matrix", True, UNDEFINED, ";color"),
    ("matrix", True, STRING, ";color=blue"),
    ("matrix", True, ARRAY, ";color=blue;color=black;color=brown"),
    ("matrix", True, OBJECT, ";R=100;G=200;B=150"),
    ("label", False, UNDEFINED, "."),
    ("label", False, STRING, ".blue"),
    ("label", False, ARRAY, ".blue,black,brown"),
    ("label", False, OBJECT, ".R,100,G,200,B,150"),
    ("label", True, UNDEFINED, "."),
    ("label", True, STRING, ".blue"),
    ("label", True, ARRAY, ".blue.black.brown"),
    ("label", True, OBJECT, ".R=100.G=200.B=150"),
    ("simple", False, UNDEFINED, ""),
    ("simple", False, STRING, "blue"),
    ("simple", False, ARRAY, "blue,black,brown"),
    ("simple", False, OBJECT, "R,100,G,200,B,150"),
    ("simple", True, UNDEFINED, ""),
    ("simple", True, STRING, "blue"),
    ("simple", True, ARRAY, "blue,black,brown"),
    ("simple", True, OBJECT, "R=100,G=200,B=150"),
]

QUERY_TABLE = [
    ("form", False, UNDEFINED, "color="),
    ("form", False, STRING, "color=blue"),
    ("form", False, ARRAY, "color=blue,black,brown"),
    ("form", False, OBJECT, "color=R,100,G,200,B,150"),
    ("form", True, UNDEFINED, "color="),
    ("form", True, STRING, "color=blue"),
    ("form", True, ARRAY, "color=blue&color=black&color=brown"),
    ("form", True, OBJECT, "R=100&G=200&B=150"),
    ("spaceDelimited", False, ARRAY, "color=blue%20black%20brown"),
    ("spaceDelimited", False, OBJECT, "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, ARRAY, "color=blue%7Cblack%7Cbrown"),
    ("pipeDelimited", False, OBJECT, "color=R%7C100%7CG%7C200%7CB%7C150"),
    ("deepObject", True, OBJECT, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
]

# OpenAPI 3.2 `style: cookie`, as the `Cookie` header carries it.
COOKIE_TABLE = [
    ("cookie", False, UNDEFINED, "color="),
    ("cookie", False, STRING, "color=blue"),
    ("cookie", False, ARRAY, "color=blue,black,brown"),
    ("cookie", False, OBJECT, "color=R,100,G,200,B,150"),
    ("cookie", True, UNDEFINED, "color="),
    ("cookie", True, STRING, "color=blue"),
    ("cookie", True, ARRAY, "color=blue; color=black; color=brown"),
    ("cookie", True, OBJECT, "R=100; G=200; B=150"),
]


def query_text(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{name}={value}" for name, value in pairs)


def cookie_text(pairs: list[tuple[str, str]]) -> str:
    return "; ".join(f"{name}={value}" for name, value in pairs)


@pytest.mark.parametrize(("style", "explode", "value", "expected"), PATH_TABLE)
def test_path_styles_follow_the_style_examples_table(
    style: str, explode: bool, value: Any, expected: str
) -> None:
    assert serialize_path("color", value, style, explode, percent_encode) == expected


@pytest.mark.parametrize(("style", "explode", "value", "expected"), QUERY_TABLE)
def test_query_styles_follow_the_style_examples_table(
    style: str, explode: bool, value: Any, expected: str
) -> None:
    assert query_text(serialize_query("color", value, style, explode, percent_encode)) == expected


@pytest.mark.parametrize(("style", "explode", "value", "expected"), COOKIE_TABLE)
def test_cookie_style_follows_the_style_examples_table(
    style: str, explode: bool, value: Any, expected: str
) -> None:
    assert cookie_text(serialize_cookie("color", value, style, explode, percent_encode)) == expected


@pytest.mark.parametrize(
    ("explode", "value", "expected"),
    [
        (explode, value, expected)
        for style, explode, value, expected in PATH_TABLE
        if style == "simple"
    ],
)
def test_header_values_are_simple_style(explode: bool, value: Any, expected: str) -> None:
    assert serialize_header(value, explode) == expected


@pytest.mark.parametrize(
    ("explode", "value", "expected"),
    [
        (False, STRING, "color=blue"),
        (False, ARRAY, "color=blue,black,brown"),
        (False, OBJECT, "color=R,100,G,200,B,150"),
        (True, STRING, "color=blue"),
        # Exploded form values are separate cookies: '&' is never valid in a Cookie header.
        (True, ARRAY, "color=blue; color=black; color=brown"),
        (True, OBJECT, "R=100; G=200; B=150"),
    ],
)
def test_form_style_cookies_separate_exploded_values_with_semicolons(
    explode: bool, value: Any, expected: str
) -> None:
    assert (
        cookie_text(serialize_cookie("color", value, "form", explode, percent_encode)) == expected
    )


def test_form_cookies_percent_encode_and_cookie_style_does_not() -> None:
    assert serialize_cookie("c", "a b;c", "form", True, percent_encode) == [("c", "a%20b%3Bc")]
    assert serialize_cookie("c", "a%20b", "cookie", True, percent_encode) == [("c", "a%20b")]


def test_header_values_are_never_percent_encoded() -> None:
    assert serialize_header("a b/c,d", False) == "a b/c,d"


def test_path_values_are_fully_percent_encoded() -> None:
    assert serialize_path("p", "a/b c", "simple", False, percent_encode) == "a%2Fb%20c"
    assert serialize_path("p", ["a/b", "c d"], "label", False, percent_encode) == ".a%2Fb,c%20d"
    assert serialize_path("p", "a/b c", "simple", False, keep) == "a/b c"


def test_allow_reserved_keeps_reserved_characters_and_percent_triples() -> None:
    assert percent_encode("a/b?c=d&e f%20g") == "a%2Fb%3Fc%3Dd%26e%20f%2520g"
    assert percent_encode("a/b?c=d&e f%20g", allow_reserved=True) == "a/b?c=d&e%20f%20g"
    # '#' would end the query: it is encoded even with allowReserved.
    assert percent_encode("x#y", allow_reserved=True) == "x%23y"


def test_empty_string_is_not_undefined_in_matrix() -> None:
    assert serialize_path("color", "", "matrix", False, percent_encode) == ";color"
    assert query_text(serialize_query("color", "", "form", True, percent_encode)) == "color="


def test_scalars_are_written_as_json_scalars() -> None:
    assert scalar_text(True) == "true"
    assert scalar_text(False) == "false"
    assert scalar_text(None) == ""
    assert scalar_text(3) == "3"
    assert scalar_text(2.5) == "2.5"
    assert scalar_text({"a": [1]}) == '{"a":[1]}'
    with pytest.raises(SerializationError):
        scalar_text(float("nan"))


def test_deep_object_nests_objects_and_repeats_array_members() -> None:
    pairs = serialize_query("f", {"a": {"b": 1}, "c": [1, 2]}, "deepObject", True, keep)
    assert pairs == [("f[a][b]", "1"), ("f[c]", "1"), ("f[c]", "2")]


def test_deep_object_refuses_a_non_object() -> None:
    with pytest.raises(
        SerializationError, match="deepObject needs an object; the value is an array"
    ):
        serialize_query("f", [1], "deepObject", True, keep)


def test_delimited_styles_send_primitives_as_form() -> None:
    assert serialize_query("n", 5, "pipeDelimited", False, keep) == [("n", "5")]
    assert serialize_query("n", [1, 2], "spaceDelimited", True, keep) == [("n", "1"), ("n", "2")]


def test_unknown_styles_are_refused() -> None:
    with pytest.raises(SerializationError, match="not a path style"):
        serialize_path("p", 1, "form", False, keep)
    with pytest.raises(SerializationError, match="not a query style"):
        serialize_query("p", 1, "matrix", False, keep)
    with pytest.raises(SerializationError, match="not a cookie style"):
        serialize_cookie("p", 1, "simple", False, keep)


@given(st.text())
def test_any_path_value_survives_percent_encoding(text: str) -> None:
    wire = serialize_path("p", text, "simple", False, percent_encode)
    assert "/" not in wire and "?" not in wire and "#" not in wire
    assert unquote(wire) == text


@given(st.lists(st.text(min_size=1), min_size=1), st.text(min_size=1))
def test_exploded_form_queries_parse_back_to_their_values(items: list[str], name: str) -> None:
    wire = query_text(serialize_query(name, items, "form", True, percent_encode))
    assert parse_qsl(wire, keep_blank_values=True) == [(name, item) for item in items]
