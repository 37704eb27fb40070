"""OpenAPI parameter serialization: every row of the 3.1 "Style Examples" table.

Values from the table: color = "blue" (primitive), ["blue", "black", "brown"] (array) and
{"R": 100, "G": 200, "B": 150} (object); an empty value is `null` here.
"""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_engine._serialization import serialize_path, serialize_query, serialize_simple

EMPTY: Any = None
STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("matrix", False, EMPTY, ";color"),
        ("matrix", False, STRING, ";color=blue"),
        ("matrix", False, ARRAY, ";color=blue,black,brown"),
        ("matrix", False, OBJECT, ";color=R,100,G,200,B,150"),
        ("matrix", True, STRING, ";color=blue"),
        ("matrix", True, ARRAY, ";color=blue;color=black;color=brown"),
        ("matrix", True, OBJECT, ";R=100;G=200;B=150"),
        ("label", False, EMPTY, "."),
        ("label", False, STRING, ".blue"),
        ("label", False, ARRAY, ".blue,black,brown"),
        ("label", False, OBJECT, ".R,100,G,200,B,150"),
        ("label", True, ARRAY, ".blue.black.brown"),
        ("label", True, OBJECT, ".R=100.G=200.B=150"),
        ("simple", False, STRING, "blue"),
        ("simple", False, ARRAY, "blue,black,brown"),
        ("simple", False, OBJECT, "R,100,G,200,B,150"),
        ("simple", True, ARRAY, "blue,black,brown"),
        ("simple", True, OBJECT, "R=100,G=200,B=150"),
    ],
)
def test_path_styles(style: str, explode: bool, value: Any, expected: str) -> None:
    assert serialize_path("color", value, style, explode) == expected


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("form", False, EMPTY, [("color", "")]),
        ("form", False, STRING, [("color", "blue")]),
        ("form", False, ARRAY, [("color", "blue,black,brown")]),
        ("form", False, OBJECT, [("color", "R,100,G,200,B,150")]),
        ("form", True, STRING, [("color", "blue")]),
        ("form", True, ARRAY, [("color", "blue"), ("color", "black"), ("color", "brown")]),
        ("form", True, OBJECT, [("R", "100"), ("G", "200"), ("B", "150")]),
        ("spaceDelimited", False, ARRAY, [("color", "blue black brown")]),
        ("spaceDelimited", False, OBJECT, [("color", "R 100 G 200 B 150")]),
        ("pipeDelimited", False, ARRAY, [("color", "blue|black|brown")]),
        ("pipeDelimited", False, OBJECT, [("color", "R|100|G|200|B|150")]),
        (
            "deepObject",
            True,
            OBJECT,
            [("color[R]", "100"), ("color[G]", "200"), ("color[B]", "150")],
        ),
    ],
)
def test_query_styles(
    style: str, explode: bool, value: Any, expected: list[tuple[str, str]]
) -> None:
    assert serialize_query("color", value, style, explode) == expected


def test_path_values_are_percent_encoded() -> None:
    assert serialize_path("id", "a/b c", "simple", False) == "a%2Fb%20c"
    assert serialize_path("id", "ä", "simple", False) == "%C3%A4"


def test_headers_use_simple_style_unencoded() -> None:
    assert serialize_simple(ARRAY, False) == "blue,black,brown"
    assert serialize_simple(OBJECT, True) == "R=100,G=200,B=150"
    assert serialize_simple(True, False) == "true"


def test_unknown_styles_are_refused() -> None:
    with pytest.raises(ValueError, match="not a path style"):
        serialize_path("x", 1, "form", False)
    with pytest.raises(ValueError, match="not a query style"):
        serialize_query("x", 1, "label", False)
