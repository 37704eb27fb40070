"""XPath for criteria, selectors and XML payload replacements, through elementpath and lxml.

elementpath implements XPath 1.0, 2.0, 3.0 and 3.1, each with its own parser, function
library and Effective Boolean Value rules, which the Expression Type Object's versions ask
for (CRIT-05). Documents are parsed by lxml, which keeps what a payload replacement must give
back unchanged (namespace prefixes, which QName-valued content such as ``xsi:type`` refers to,
comments, the DOCTYPE), with a parser that expands no entity and fetches nothing, so entity
bombs and external entities have no effect.

Arazzo gives an XPath no way to declare namespace prefixes. A prefix the expression uses is
therefore bound, when the expression runs, to the namespace the document declares for it (its
first declaration in document order); the expression is still checked for syntax when it is
compiled, with a placeholder namespace. Unprefixed names keep XPath's meaning (no namespace):
``*:name`` (2.0 and later) or ``*[local-name()='name']`` reach an element in a default
namespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

import elementpath
from elementpath.protocols import DocumentProtocol
from elementpath.xpath30 import XPath30Parser
from elementpath.xpath31 import XPath31Parser
from elementpath.xpath_nodes import EtreeElementNode
from elementpath.xpath_tokens import XPathArray, XPathMap
from lxml import etree

from ._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._expressions import to_text

__all__ = [
    "XPATH_31",
    "XPATH_VERSIONS",
    "CompiledXPath",
    "XMLDocument",
    "apply_xpath_replacement",
    "as_document",
    "compile_xpath",
    "items_of",
    "parse_xml",
    "xpath_value",
]

XPATH_31 = "xpath-31"
XPATH_VERSIONS = ("xpath-31", "xpath-30", "xpath-20", "xpath-10")
_PARSERS: dict[str, type[elementpath.XPath1Parser]] = {
    "xpath-10": elementpath.XPath1Parser,
    "xpath-20": elementpath.XPath2Parser,
    "xpath-30": XPath30Parser,
    "xpath-31": XPath31Parser,
}
_VERSION_NAMES = {
    "xpath-10": "XPath 1.0",
    "xpath-20": "XPath 2.0",
    "xpath-30": "XPath 3.0",
    "xpath-31": "XPath 3.1",
}
_UNDECLARED_PREFIX = "err:XPST0081"
_PLACEHOLDER_NAMESPACE = "urn:arazzo-engine:undeclared-prefix:"
_PREFIX_IN_MESSAGE = re.compile(r"prefix '([^']+)'")
_XML_DECLARATION = re.compile(r"\s*<\?xml\s[^>]*\?>\s*")

XMLDocument = etree._ElementTree  # a parsed XML document


def parse_xml(source: str | bytes) -> XMLDocument:
    """Parse an XML document; ValueError, saying where, when it is not well-formed.

    No entity is expanded (an entity reference stays a reference) and nothing is fetched.
    """
    if isinstance(source, str):
        # The text is already decoded: its declaration's encoding no longer applies.
        data, encoding = source.encode("utf-8"), "utf-8"
    else:
        data, encoding = source, None
    parser = etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not well-formed XML ({error.msg})") from None
    return root.getroottree()


def as_document(value: object) -> XMLDocument | None:
    """``value`` as an XML document: text and bytes are parsed (ValueError when they are not
    well-formed XML), a parsed document or element is used as it is; None for anything else."""
    if isinstance(value, etree._ElementTree):
        return value
    if isinstance(value, etree._Element):
        return value.getroottree()
    if isinstance(value, str | bytes | bytearray):
        return parse_xml(bytes(value) if isinstance(value, bytearray) else value)
    return None


@dataclass(frozen=True, slots=True)
class CompiledXPath:
    """An XPath expression parsed for one XPath version.

    ``prefixes`` are the namespace prefixes it uses without a declaration; each run binds
    them to the document's own declarations. ``static_error`` is a dynamic error found while
    parsing (``1 div 0``), which every evaluation reports.
    """

    text: str
    version: str
    token: elementpath.XPathToken | None
    prefixes: tuple[str, ...] = ()
    static_error: str | None = None

    def select(self, document: XMLDocument) -> Any:
        """The result of the expression with ``document`` as its context: a list of items
        (nodes, atomic values) or a single atomic value.

        ExpressionEvaluationError for a prefix the document does not declare or a dynamic
        error (``[err:FOAR0001] Division by zero``).
        """
        token = self._token_for(document)
        try:
            return token.evaluate(_context(document))
        except elementpath.ElementPathError as error:
            raise ExpressionEvaluationError(self.text, _describe(error)) from None

    def holds(self, document: XMLDocument) -> bool:
        """The Effective Boolean Value of the result, by this version's rules."""
        return self.check(document) is None

    def check(self, document: XMLDocument) -> str | None:
        """None when the Effective Boolean Value of the result is true; otherwise what the
        result was, in words. ExpressionEvaluationError as for ``select``, and for a result
        that has no Effective Boolean Value (FORG0006: two numbers, say)."""
        token = self._token_for(document)
        try:
            result = token.evaluate(_context(document))
            if token.boolean_value(result):
                return None
        except elementpath.ElementPathError as error:
            raise ExpressionEvaluationError(self.text, _describe(error)) from None
        if result == [] or result is None:
            return "selects nothing"
        shown = [xpath_value(item) for item in items_of(result)]
        return f"evaluates to {to_text(shown[0] if len(shown) == 1 else shown)}"

    def _token_for(self, document: XMLDocument) -> elementpath.XPathToken:
        if self.static_error is not None or self.token is None:
            raise ExpressionEvaluationError(self.text, self.static_error or "no expression")
        if not self.prefixes:
            return self.token
        declared = _declarations(document)
        missing = [prefix for prefix in self.prefixes if prefix not in declared]
        if missing:
            raise ExpressionEvaluationError(
                self.text,
                f"the document declares no namespace for the prefix {missing[0]!r}",
            )
        bindings = tuple((prefix, declared[prefix]) for prefix in self.prefixes)
        return _parse(self.text, self.version, bindings)


def compile_xpath(text: str, version: str = XPATH_31) -> CompiledXPath:
    """Parse an XPath expression of ``version`` (``xpath-10`` .. ``xpath-31``).

    ExpressionSyntaxError for a syntax or static error (an unknown function, a wrong number
    of arguments); ValueError for an unknown version.
    """
    if version not in _PARSERS:
        raise ValueError(f"unknown XPath version {version!r}; expected one of {XPATH_VERSIONS}")
    return _compile(text, version)


@lru_cache(maxsize=1024)
def _compile(text: str, version: str) -> CompiledXPath:
    placeholders: dict[str, str] = {}
    while True:
        try:
            token = _parse(text, version, tuple(placeholders.items()))
        except elementpath.ElementPathError as error:
            prefix = _undeclared_prefix(error)
            if prefix is not None and prefix not in placeholders:
                placeholders[prefix] = _PLACEHOLDER_NAMESPACE + prefix
                continue
            if _is_static(error):
                raise ExpressionSyntaxError(
                    text,
                    _column(text, error),
                    f"an {_VERSION_NAMES[version]} expression ({_describe(error)})",
                ) from None
            return CompiledXPath(text, version, None, static_error=_describe(error))
        return CompiledXPath(text, version, token, tuple(placeholders))


@lru_cache(maxsize=1024)
def _parse(
    text: str, version: str, namespaces: tuple[tuple[str, str], ...]
) -> elementpath.XPathToken:
    return _PARSERS[version](namespaces=dict(namespaces)).parse(text)


def _context(document: XMLDocument) -> elementpath.XPathContext:
    # elementpath reads lxml documents; its annotations name only its own protocols.
    return elementpath.XPathContext(cast("DocumentProtocol", document))


def _undeclared_prefix(error: elementpath.ElementPathError) -> str | None:
    if error.code != _UNDECLARED_PREFIX:
        return None
    found = _PREFIX_IN_MESSAGE.search(error.message)
    return found.group(1) if found else None


def _is_static(error: elementpath.ElementPathError) -> bool:
    # XPST: static errors (syntax, unknown names, arity). Dynamic and type errors that the
    # parser meets while folding constants (FOAR0001 for `1 div 0`) are evaluation errors.
    code = error.code or ""
    return code.startswith("err:XPST") or not code


def _column(text: str, error: elementpath.ElementPathError) -> int:
    token = error.token
    if token is None:
        return 1
    if token.symbol == "(end)":
        return len(text) + 1
    line, column = token.position
    lines = text.split("\n")
    offset = sum(len(previous) + 1 for previous in lines[: max(line - 1, 0)])
    return min(offset + column, len(text) + 1)


def _describe(error: elementpath.ElementPathError) -> str:
    return f"[{error.code}] {error.message}" if error.code else error.message


def _declarations(document: XMLDocument) -> dict[str, str]:
    """The namespaces the document declares, by prefix; the first declaration wins."""
    declared: dict[str, str] = {}
    for _event, declaration in etree.iterwalk(document, events=("start-ns",)):
        if isinstance(declaration, tuple) and declaration[0]:
            declared.setdefault(declaration[0], declaration[1])
    return declared


# --- values ------------------------------------------------------------------------------


def xpath_value(item: Any) -> Any:
    """An XPath item as a JSON-like value: a node's string value (an element's text content,
    an attribute's value), numbers as ``int`` or ``float``, booleans as ``bool``, maps and
    arrays (3.1) as dicts and lists, any other atomic value as its lexical form."""
    if isinstance(item, elementpath.XPathNode):
        return item.string_value
    if isinstance(item, bool | int | str):
        return item
    if isinstance(item, Decimal):
        return int(item) if item == item.to_integral_value() else float(item)
    if isinstance(item, float):
        return item
    if isinstance(item, XPathMap):
        return {str(xpath_value(key)): _sequence_value(value) for key, value in item.items()}
    if isinstance(item, XPathArray):
        return [_sequence_value(member) for member in item.items()]
    return str(item)


def _sequence_value(value: Any) -> Any:
    if isinstance(value, list):
        return [xpath_value(item) for item in value]
    return xpath_value(value)


def items_of(result: Any) -> list[Any]:
    """An XPath result as a list of items (a single atomic value is a sequence of one)."""
    if isinstance(result, list):
        return result
    return [result]


# --- payload replacement -------------------------------------------------------------------


def apply_xpath_replacement(
    xml_text: str, xpath: str, value: Any, *, version: str | None = None
) -> str:
    """``xml_text`` with every node ``xpath`` selects set to ``value`` (BODY-05): an element's
    content becomes the value as text (its child elements go; its attributes stay), an
    attribute's value becomes the value. The value is converted by the 1.1 embedding rules
    (``to_text``) and escaped: it is text, never markup.

    ExpressionSyntaxError for a malformed XPath; ExpressionEvaluationError when the payload
    is not XML, the expression fails, or it selects no element or attribute.
    """
    compiled = compile_xpath(xpath, version or XPATH_31)
    try:
        document = parse_xml(xml_text)
    except ValueError as error:
        raise ExpressionEvaluationError(xpath, f"the payload is {error}") from None
    selected = items_of(compiled.select(document))
    text = to_text(value)
    changed = 0
    for item in selected:
        element = _element(item)
        owner = _element(item.parent) if isinstance(item, elementpath.AttributeNode) else None
        if element is not None:
            for child in list(element):
                element.remove(child)
            element.text = text
            changed += 1
        elif owner is not None:
            owner.set(item.name, text)
            changed += 1
        else:
            raise ExpressionEvaluationError(
                xpath, f"it selects {_kind(item)}; a replacement sets elements or attributes"
            )
    if not changed:
        raise ExpressionEvaluationError(xpath, "it selects nothing in the payload")
    declaration = _XML_DECLARATION.match(xml_text)
    prefix = declaration.group(0).lstrip() if declaration else ""
    return prefix + etree.tostring(document, encoding="unicode")


def _element(node: object) -> etree._Element | None:
    """The lxml element an element node wraps; None for any other node or value."""
    if not isinstance(node, EtreeElementNode):
        return None
    wrapped: object = node.value  # annotated with elementpath's protocols, not lxml's class
    return wrapped if isinstance(wrapped, etree._Element) else None


def _kind(item: Any) -> str:
    if isinstance(item, elementpath.XPathNode):
        return f"a {type(item).__name__.removeprefix('Etree').removesuffix('Node').lower()} node"
    return f"the value {to_text(xpath_value(item))!r}"
