"""regex criteria: ECMA-262 patterns in Unicode mode, searched in the context's text (CRIT-03).

Each dialect case says what Python's `re` would do instead, which is the difference the engine
bridges by running patterns on `regress` rather than `re`.
"""

from __future__ import annotations

import re

import pytest

from arazzo_engine._criteria import compile_criterion
from arazzo_engine._exceptions import ExpressionSyntaxError
from arazzo_engine._expressions import EvaluationContext, HTTPMessage
from arazzo_engine._regex import compile_regex


def matches(pattern: str, text: object) -> bool:
    criterion = compile_criterion(pattern, context="$inputs.text", type="regex")
    result = criterion.evaluate(EvaluationContext(inputs={"text": text}))
    return result.passed


@pytest.mark.parametrize(
    ("pattern", "text", "ecma", "python_re"),
    [
        pytest.param(r"^\d+$", "١٢٣", False, True, id="digit-class-is-ascii"),
        pytest.param(r"^\w$", "é", False, True, id="word-class-is-ascii"),
        pytest.param(r"\bé", "é", False, True, id="word-boundary-is-ascii"),
        pytest.param(r"^abc$", "abc\n", False, True, id="dollar-not-before-final-newline"),
        pytest.param(r"^.$", "\r", False, True, id="dot-excludes-carriage-return"),
        pytest.param(r"^.$", "\u2028", False, True, id="dot-excludes-line-separator"),
        pytest.param(r"^.$", "😀", True, True, id="dot-is-one-code-point"),
        pytest.param(r"^\s$", "\ufeff", True, False, id="space-class-includes-bom"),
    ],
)
def test_matching_follows_ecma_262(pattern: str, text: str, ecma: bool, python_re: bool) -> None:
    assert matches(pattern, text) is ecma
    assert (re.search(pattern, text) is not None) is python_re  # the difference bridged


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        pytest.param(r"\p{Lu}", "aЖ", id="property-escape"),
        pytest.param(r"^\p{Script=Greek}+$", "αβγ", id="script-property"),
        pytest.param(r"(?<year>\d{4})-\k<year>", "2024-2024", id="named-group-and-backreference"),
        pytest.param(r"(?<=\$)\d+", "cost: $42", id="lookbehind"),
        pytest.param(r"(?<!-)\b42", "x 42", id="negative-lookbehind"),
        pytest.param(r"^a[^]b$", "a\nb", id="empty-negated-class-is-any-character"),
        pytest.param(r"^\u{1F600}$", "😀", id="code-point-escape"),
        pytest.param(r"^\cJ$", "\n", id="control-escape"),
        pytest.param(r"(?i:abc)", "xABCx", id="scoped-modifier"),
    ],
)
def test_ecma_262_syntax_python_re_lacks(pattern: str, text: str) -> None:
    assert matches(pattern, text)


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"(?P<name>a)", id="python-named-group"),
        pytest.param(r"\Aabc\Z", id="python-anchors"),
        pytest.param(r"(?i)abc", id="python-inline-flag"),
        pytest.param(r"a++", id="possessive-quantifier"),
        pytest.param(r"[[:alpha:]]", id="posix-class"),
        pytest.param(r"a]", id="unicode-mode-lone-bracket"),
        pytest.param(r"a{", id="unicode-mode-lone-brace"),
        pytest.param(r"\-", id="unicode-mode-identity-escape"),
        pytest.param(r"(unclosed", id="unclosed-group"),
    ],
)
def test_other_dialects_and_annex_b_leniency_are_syntax_errors(pattern: str) -> None:
    with pytest.raises(ExpressionSyntaxError, match="ECMA-262") as caught:
        compile_criterion(pattern, context="$statusCode", type="regex")
    assert caught.value.text == pattern and caught.value.column == 1


def test_the_pattern_is_searched_not_fully_matched() -> None:
    assert matches("200", "HTTP 200 OK")
    assert not matches("^200$", "HTTP 200 OK")
    assert matches("^2\\d{2}$", 204)  # the spec's 1.1 example
    assert not matches("^b", "a\nb")  # no multiline flag: ^ is the start of the text


@pytest.mark.parametrize(
    ("context", "pattern"),
    [
        (200, "^200$"),
        (200.0, "^200$"),  # an integral number is written as an integer, as in JSON/JS
        (2.5, r"^2\.5$"),
        (True, "^true$"),
        ({"status": "available", "id": 1}, r'^\{"status":"available","id":1\}$'),
        ([1, "a"], r'^\[1,"a"\]$'),
        (b"caf\xc3\xa9", "^café$"),
    ],
)
def test_a_non_string_context_is_matched_as_its_json_text(context: object, pattern: str) -> None:
    assert matches(pattern, context)


def test_the_status_code_example() -> None:
    criterion = compile_criterion("^200$", context="$statusCode", type="regex")
    assert criterion.evaluate(EvaluationContext(status_code=200)).passed
    failed = criterion.evaluate(EvaluationContext(status_code=201))
    assert not failed.passed and failed.reason == "/^200$/ does not match '201'"


def test_a_corpus_pattern_for_a_jwt() -> None:
    # JaredCE Arazzo-Runner, test/mocks/arazzo/arazzo-criteria/regex.json
    criterion = compile_criterion(
        r"(^[A-Za-z0-9-_]*\.[A-Za-z0-9-_]*\.[A-Za-z0-9-_]*$)",
        context="$response.body#/AccessToken",
        type="regex",
    )
    body = {"AccessToken": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"}
    context = EvaluationContext(response=HTTPMessage(body=body))
    assert criterion.evaluate(context).passed
    other = EvaluationContext(response=HTTPMessage(body={"AccessToken": "not a token"}))
    assert not criterion.evaluate(other).passed


@pytest.mark.parametrize(
    ("context", "reason"),
    [
        (None, "the context $inputs.text is null"),
        (b"\xff\xfe", "the context $inputs.text is binary data, not UTF-8 text"),
    ],
)
def test_a_null_or_unreadable_context_fails_with_a_reason(context: object, reason: str) -> None:
    criterion = compile_criterion("x", context="$inputs.text", type="regex")
    result = criterion.evaluate(EvaluationContext(inputs={"text": context}))
    assert not result.passed and result.reason == reason


def test_an_undefined_context_fails_with_a_reason() -> None:
    criterion = compile_criterion("x", context="$inputs.text", type="regex")
    result = criterion.evaluate(EvaluationContext())
    assert not result.passed
    assert result.reason is not None and result.reason.startswith(
        "the context $inputs.text is undefined"
    )


def test_a_lone_surrogate_fails_instead_of_raising() -> None:
    criterion = compile_criterion("a", context="$inputs.text", type="regex")
    result = criterion.evaluate(EvaluationContext(inputs={"text": "a\ud800"}))
    assert not result.passed and result.reason is not None
    assert "evaluation failed" in result.reason


def test_a_pattern_is_compiled_once() -> None:
    assert compile_regex(r"^\d+$") is compile_regex(r"^\d+$")
    assert compile_regex(r"^\d+$").search("123")


def test_embedded_expressions_are_substituted_before_compiling() -> None:
    # the 1.1 spec's example: `^({$inputs.statusPattern})$`
    criterion = compile_criterion(
        "^({$inputs.statusPattern})$",
        context="$response.body#/status",
        type="regex",
        arazzo_version="1.1",
    )
    body = {"status": "pending"}

    def run(pattern: str) -> bool:
        context = EvaluationContext(
            response=HTTPMessage(body=body), inputs={"statusPattern": pattern}
        )
        return criterion.evaluate(context).passed

    assert run("pending|active") and not run("active")
    broken = criterion.evaluate(
        EvaluationContext(response=HTTPMessage(body=body), inputs={"statusPattern": "("})
    )
    assert not broken.passed and broken.reason is not None
    assert "does not parse" in broken.reason and "ECMA-262" in broken.reason


def test_a_brace_dollar_that_opens_no_expression_stays_in_the_pattern() -> None:
    # `\{$`: a literal brace at the end of the text, not an embedded expression
    criterion = compile_criterion(r"\{$", context="$inputs.text", type="regex")
    assert criterion.expressions[1:] == ()
    assert criterion.notes == (
        "'{$' at column 2 is not closed, so it opens no runtime expression; it is read as "
        "part of the condition",
    )
    assert criterion.evaluate(EvaluationContext(inputs={"text": "a{"})).passed
    assert not criterion.evaluate(EvaluationContext(inputs={"text": "a{b"})).passed
