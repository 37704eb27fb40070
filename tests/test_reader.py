"""The YAML/JSON reader: JSON-compatible values, positions, and refusal of hostile input."""

from __future__ import annotations

import pytest

from arazzo_engine._exceptions import DocumentSyntaxError, DocumentTooLarge
from arazzo_engine._reader import LoadLimits, Position, parse_text


def values(text: str, **kwargs: object) -> object:
    return parse_text(text, uri="t.yaml", **kwargs).value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("yes", "yes"),  # YAML 1.1 booleans stay strings
        ("no", "no"),
        ("on", "on"),
        ("2024-01-01", "2024-01-01"),  # no dates
        ("1.0", 1.0),
        ("'1.0'", "1.0"),
        ("12", 12),
        ("-3", -3),
        ("0x1F", 31),
        ("0o17", 15),
        ("1e3", 1000.0),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        (".inf", ".inf"),  # JSON has no infinity
        (".nan", ".nan"),
        ("!!str 12", "12"),
        ("!!float 1", 1.0),
        ('"multi word"', "multi word"),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(scalar: str, expected: object) -> None:
    result = values(f"key: {scalar}\n")
    assert result == {"key": expected}
    assert type(result["key"]) is type(expected)  # type: ignore[index]


def test_keys_are_always_strings() -> None:
    assert values("200: ok\ntrue: x\nnull: y\n1.5: z\n") == {
        "200": "ok",
        "true": "x",
        "null": "y",
        "1.5": "z",
    }


def test_every_node_has_a_position() -> None:
    parsed = parse_text("a:\n  b: [1, {c: 2}]\nd: x\n", uri="t.yaml")
    assert parsed.positions["/a"] == Position(2, 3)
    assert parsed.positions["/a/b/1/c"] == Position(2, 14)
    assert parsed.positions["/d"] == Position(3, 4)
    assert parsed.key_positions["/d"] == Position(3, 1)
    assert parsed.locate("/a/b/7") == Position(2, 6)  # falls back to the nearest ancestor


def test_pointer_tokens_are_escaped() -> None:
    parsed = parse_text("paths:\n  /pets/{id}:\n    get: {}\n", uri="t.yaml")
    assert "/paths/~1pets~1{id}/get" in parsed.positions


def test_aliases_share_values_and_locate_at_the_alias() -> None:
    parsed = parse_text("a: &x {b: 1}\nc: *x\n", uri="t.yaml")
    assert parsed.value == {"a": {"b": 1}, "c": {"b": 1}}
    assert parsed.locate("/c/b") == Position(2, 4)


def test_duplicate_keys_are_refused_with_both_lines() -> None:
    with pytest.raises(DocumentSyntaxError) as caught:
        values("a: 1\nb: 2\na: 3\n")
    assert caught.value.line == 3
    assert "duplicate key 'a' (first at line 1)" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("? [1]\n: 2\n", "keys must be strings"),
        ("a: !!python/object:os.system x\n", "outside the JSON schema"),
        ("a: !!binary aGk=\n", "outside the JSON schema"),
        ("a: !!int x\n", "not a valid !!int"),
        ("a: [1, 2\n", "YAML syntax error"),
        ("a: *nowhere\n", "names no anchor"),
        ("a: 1\n---\nb: 2\n", "one YAML document"),
    ],
)
def test_constructs_json_cannot_hold_are_refused(text: str, words: str) -> None:
    with pytest.raises(DocumentSyntaxError) as caught:
        values(text)
    assert words in str(caught.value)
    assert caught.value.line is not None


def test_json_errors_are_reported_in_json_terms() -> None:
    with pytest.raises(DocumentSyntaxError) as caught:
        parse_text('{"a": 1,}', uri="t.json", json_only=True)
    assert "JSON syntax error" in str(caught.value)
    assert (caught.value.line, caught.value.column) == (1, 9)


def test_json_duplicate_members_are_refused() -> None:
    with pytest.raises(DocumentSyntaxError, match="duplicate key 'a'"):
        parse_text('{"a": 1, "a": 2}', uri="t.json", json_only=True)


def test_json_escapes_yaml_1_1_lacks_still_load() -> None:
    assert parse_text('{"a": "x\\/y"}', uri="t.json", json_only=True).value == {"a": "x/y"}


def test_a_byte_order_mark_is_ignored() -> None:
    assert values("\ufeffa: 1\n") == {"a": 1}


def test_size_limit() -> None:
    with pytest.raises(DocumentTooLarge, match="limit is 100"):
        values("a: " + "x" * 200, limits=LoadLimits(max_bytes=100))


def test_nesting_limit_without_recursion() -> None:
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(DocumentTooLarge, match="nests deeper than 200"):
        values(deep)


def test_billion_laughs_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(DocumentTooLarge, match="expands to more than"):
        values("\n".join(lines) + "\n")


def test_moderate_alias_use_is_fine() -> None:
    text = "base: &b {x: 1}\n" + "".join(f"k{i}: *b\n" for i in range(100))
    assert len(values(text)) == 101  # type: ignore[arg-type]
