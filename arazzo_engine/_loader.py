"""Load an Arazzo description: the entry document and every source it names.

Loading is eager (SRC-06): every source description, every Arazzo document
those name in turn, and every document an OpenAPI ``$ref`` points into is
read once, cached by absolute URI, and kept in one immutable ``Description``.
Problems with sources are findings, not exceptions, so that a validator can
report all of them; only an entry document that cannot be read or parsed
raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

import httpx

from ._exceptions import DocumentNotFound, DocumentSyntaxError, DocumentTooLarge, LoadError
from ._findings import Finding, Severity
from ._model import ArazzoDocument, SourceDescription, build_document
from ._openapi import OpenAPIDocument, RefResolver, build_openapi_document
from ._reader import LoadLimits, ParsedText, parse_text

__all__ = [
    "Description",
    "LoadOptions",
    "SourceBinding",
    "display_name",
    "load",
    "loads",
    "to_uri",
]

SourceKind = Literal["openapi", "arazzo", "asyncapi"]


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How documents are fetched.

    ``offline`` refuses every http(s) fetch (FMT-08); ``timeout`` is per fetch,
    in seconds; ``http_client`` lets a caller bring proxies, mTLS or a mock
    transport. ``url_map`` reads a document from another place (absolute URI
    to absolute URI, e.g. a remote URL to a local copy) while the document
    keeps its own URI, so references to it resolve as written.
    """

    offline: bool = False
    url_map: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    limits: LoadLimits = field(default_factory=LoadLimits)
    http_client: httpx.Client | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class SourceBinding:
    """A Source Description of one Arazzo document, as resolved.

    ``uri`` is the absolute URI its ``url`` resolves to (SRC-02); ``kind`` is
    what the loaded document turned out to be, or None when it could not be
    loaded (``error`` says why).
    """

    source: SourceDescription
    uri: str | None
    kind: SourceKind | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Description:
    """An entry Arazzo document with every document it depends on."""

    document: ArazzoDocument
    arazzo_documents: Mapping[str, ArazzoDocument]
    openapi_documents: Mapping[str, OpenAPIDocument]
    other_documents: Mapping[str, ParsedText]  # $ref targets and AsyncAPI documents
    bindings: Mapping[str, Mapping[str, SourceBinding]]  # document URI -> source name -> binding
    findings: tuple[Finding, ...]  # what loading found (unreadable sources, cycles, ...)

    def sources_of(self, document: ArazzoDocument) -> Mapping[str, SourceBinding]:
        return self.bindings.get(document.uri, MappingProxyType({}))

    def parsed(self, uri: str) -> ParsedText | None:
        if uri in self.arazzo_documents:
            return self.arazzo_documents[uri].parsed
        if uri in self.openapi_documents:
            return self.openapi_documents[uri].parsed
        return self.other_documents.get(uri)

    @property
    def resolver(self) -> RefResolver:
        return RefResolver(self._raw)

    def _raw(self, uri: str) -> Any | None:
        parsed = self.parsed(uri)
        return None if parsed is None else parsed.value

    def iter_documents(self) -> Iterator[ArazzoDocument]:
        """The entry document first, then every Arazzo source document."""
        yield self.document
        for uri, document in self.arazzo_documents.items():
            if uri != self.document.uri:
                yield document


def to_uri(location: str | Path) -> str:
    """An absolute URI for a path, a ``file:`` URI or an http(s) URL."""
    text = str(location)
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https", "file"):
        return text
    return Path(text).expanduser().resolve().as_uri()


def display_name(uri: str) -> str:
    """How a URI is shown to people: a path relative to the working directory when it can be."""
    if not uri.startswith("file:"):
        return uri
    path = Path(url2pathname(urlsplit(uri).path))
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load(location: str | Path, options: LoadOptions | None = None) -> Description:
    """Load the Arazzo document at ``location`` (a path or URL) and all its sources.

    Raises LoadError (DocumentNotFound, DocumentSyntaxError, DocumentTooLarge)
    when the entry document itself cannot be read or parsed.
    """
    options = options or LoadOptions()
    uri = to_uri(location)
    loader = _Loader(options)
    parsed = loader.read(uri)
    return loader.finish(uri, parsed)


def loads(text: str, *, uri: str | None = None, options: LoadOptions | None = None) -> Description:
    """Load an Arazzo document from ``text``.

    ``uri`` is where the text is taken to live, for resolving relative source
    URLs (SRC-02); without one it is a file named ``<string>`` in the working
    directory.
    """
    options = options or LoadOptions()
    uri = to_uri(uri) if uri else Path.cwd().joinpath("<string>").as_uri()
    loader = _Loader(options)
    parsed = parse_text(text, uri=display_name(uri), limits=options.limits)
    loader.parsed[uri] = parsed
    return loader.finish(uri, parsed)


class _Loader:
    """One load: a cache of parsed documents by URI and the findings so far."""

    def __init__(self, options: LoadOptions) -> None:
        self.options = options
        self.parsed: dict[str, ParsedText] = {}
        self.failures: dict[str, LoadError] = {}
        self.findings: list[Finding] = []
        self.arazzo: dict[str, ArazzoDocument] = {}
        self.openapi: dict[str, OpenAPIDocument] = {}
        self.other: dict[str, ParsedText] = {}
        self.bindings: dict[str, dict[str, SourceBinding]] = {}

    # -- reading ---------------------------------------------------------------------------

    def read(self, uri: str) -> ParsedText:
        if uri in self.parsed:
            return self.parsed[uri]
        if uri in self.failures:
            raise self.failures[uri]
        try:
            text, json_only = self._fetch(self.options.url_map.get(uri, uri))
            parsed = parse_text(
                text, uri=display_name(uri), limits=self.options.limits, json_only=json_only
            )
        except LoadError as error:
            self.failures[uri] = error
            raise
        self.parsed[uri] = parsed
        return parsed

    def _fetch(self, uri: str) -> tuple[str, bool]:
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        name = display_name(uri)
        limit = self.options.limits.max_bytes
        if scheme == "file":
            path = Path(url2pathname(parts.path))
            try:
                size = path.stat().st_size
                if size > limit:
                    raise DocumentTooLarge(f"file is {size} bytes; the limit is {limit}", uri=name)
                data = path.read_bytes()
            except IsADirectoryError:
                raise DocumentNotFound("is a directory, not a document", uri=name) from None
            except FileNotFoundError:
                raise DocumentNotFound("no such file", uri=name) from None
            except OSError as error:
                raise DocumentNotFound(f"cannot read: {error.strerror}", uri=name) from None
            return _decode(data, name), path.suffix.lower() == ".json"
        if scheme in ("http", "https"):
            if self.options.offline:
                raise DocumentNotFound("remote fetch refused: loading is offline", uri=name)
            return self._fetch_http(uri, name, limit)
        raise DocumentNotFound(f"unsupported URL scheme {scheme!r}", uri=name)

    def _fetch_http(self, uri: str, name: str, limit: int) -> tuple[str, bool]:
        client = self.options.http_client or httpx.Client(
            timeout=self.options.timeout, follow_redirects=True, max_redirects=5
        )
        try:
            with client.stream("GET", uri, timeout=self.options.timeout) as response:
                if response.status_code >= 400:
                    raise DocumentNotFound(f"HTTP {response.status_code}", uri=name)
                chunks: list[bytes] = []
                received = 0
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    if received > limit:
                        raise DocumentTooLarge(
                            f"response is larger than the limit of {limit} bytes", uri=name
                        )
                    chunks.append(chunk)
                media_type = response.headers.get("content-type", "").split(";")[0].strip()
        except httpx.TimeoutException:
            raise DocumentNotFound(f"timed out after {self.options.timeout} s", uri=name) from None
        except httpx.HTTPError as error:
            raise DocumentNotFound(f"fetch failed: {error}", uri=name) from None
        finally:
            if self.options.http_client is None:
                client.close()
        json_only = media_type.endswith("json") or urlsplit(uri).path.lower().endswith(".json")
        return _decode(b"".join(chunks), name), json_only

    # -- sources ---------------------------------------------------------------------------

    def finish(self, uri: str, parsed: ParsedText) -> Description:
        entry = build_document(uri, parsed)
        self.arazzo[uri] = entry
        self._load_sources(entry, trail=(uri,))
        return Description(
            document=entry,
            arazzo_documents=MappingProxyType(dict(self.arazzo)),
            openapi_documents=MappingProxyType(dict(self.openapi)),
            other_documents=MappingProxyType(dict(self.other)),
            bindings=MappingProxyType(
                {key: MappingProxyType(value) for key, value in self.bindings.items()}
            ),
            findings=tuple(self.findings),
        )

    def _finding(
        self,
        rule: str,
        message: str,
        document_uri: str,
        pointer: str,
        *,
        severity: Severity = "error",
    ) -> None:
        parsed = self.parsed.get(document_uri)
        position = parsed.locate(pointer) if parsed else None
        self.findings.append(
            Finding(
                rule=rule,
                severity=severity,
                message=message,
                file=display_name(document_uri),
                line=position.line if position else 1,
                column=position.column if position else 1,
                pointer=pointer,
            )
        )

    def _load_sources(self, document: ArazzoDocument, trail: tuple[str, ...]) -> None:
        bindings = self.bindings.setdefault(document.uri, {})
        for source in document.source_descriptions:
            if source.name is None or source.url is None or source.name in bindings:
                continue  # the schema and duplicate-id rules report these
            binding = self._bind(document, source, trail)
            bindings[source.name] = binding

    def _bind(
        self, document: ArazzoDocument, source: SourceDescription, trail: tuple[str, ...]
    ) -> SourceBinding:
        assert source.url is not None
        target = urldefrag(urljoin(document.uri, source.url))[0]
        url_pointer = f"{source.pointer}/url"
        if target in trail:
            loop = (*trail[trail.index(target) :], target)
            cycle = " -> ".join(display_name(uri) for uri in loop)
            self._finding(
                "source-cycle",
                f"source {source.name!r} closes a cycle of Arazzo documents: {cycle}; "
                "each document is loaded once",
                document.uri,
                url_pointer,
                severity="warning",
            )
            return SourceBinding(source, target, "arazzo")
        try:
            parsed = self.read(target)
        except LoadError as error:
            self._finding(
                "source-unreadable",
                f"source {source.name!r} ({source.url}) cannot be loaded: {error}",
                document.uri,
                url_pointer,
            )
            return SourceBinding(source, target, None, error=str(error))
        kind, problem = _sniff(parsed.value)
        if problem is not None:
            self._finding(
                "source-unsupported",
                f"source {source.name!r} ({source.url}): {problem}",
                document.uri,
                url_pointer,
            )
            return SourceBinding(source, target, None, error=problem)
        assert kind is not None
        if source.type is not None and source.type != kind:
            self._finding(
                "source-type-mismatch",
                f"source {source.name!r} is declared type {source.type!r} "
                f"but {source.url} is an {kind} document",
                document.uri,
                f"{source.pointer}/type",
            )
        if kind == "arazzo":
            if target not in self.arazzo:
                self.arazzo[target] = build_document(target, parsed)
                self._load_sources(self.arazzo[target], (*trail, target))
        elif kind == "openapi":
            if target not in self.openapi:
                self._load_refs(target, parsed)
                resolver = RefResolver(self._raw)
                self.openapi[target] = build_openapi_document(target, parsed, resolver)
        else:
            self.other[target] = parsed
        return SourceBinding(source, target, kind)

    def _raw(self, uri: str) -> Any | None:
        parsed = self.parsed.get(uri)
        return None if parsed is None else parsed.value

    def _load_refs(self, uri: str, parsed: ParsedText) -> None:
        """Load every document that ``$ref``s in ``uri`` point into, transitively."""
        pending = [(uri, parsed)]
        while pending:
            base, current = pending.pop()
            for pointer, ref in _iter_refs(current.value):
                target = urldefrag(urljoin(base, ref))[0]
                if not target or target == base or target in self.parsed:
                    continue
                if target in self.failures:
                    continue
                try:
                    loaded = self.read(target)
                except LoadError as error:
                    self._finding(
                        "ref-unresolvable",
                        f"$ref {ref!r} cannot be loaded: {error}",
                        base,
                        pointer,
                        severity="warning",
                    )
                    continue
                self.other[target] = loaded
                pending.append((target, loaded))


def _iter_refs(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    stack: list[tuple[Any, str]] = [(value, pointer)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                yield f"{where}/$ref", ref
            for key, child in node.items():
                if isinstance(child, dict | list):
                    stack.append((child, f"{where}/{key.replace('~', '~0').replace('/', '~1')}"))
        elif isinstance(node, list):
            stack.extend((child, f"{where}/{index}") for index, child in enumerate(node))


def _sniff(value: Any) -> tuple[SourceKind | None, str | None]:
    """What kind of document ``value`` is (SRC-03), or why it cannot be a source."""
    if not isinstance(value, dict):
        return None, "not a JSON object, so neither an OpenAPI nor an Arazzo document"
    if "swagger" in value:
        return None, (
            f"Swagger {value.get('swagger')} is not supported; convert it to OpenAPI 3 "
            "(for example with swagger2openapi) and point the source at the result"
        )
    if "openapi" in value:
        version = str(value.get("openapi"))
        if not version.startswith("3."):
            return None, f"OpenAPI {version} is not supported; OpenAPI 3.0, 3.1 and 3.2 are"
        return "openapi", None
    if "arazzo" in value:
        return "arazzo", None
    if "asyncapi" in value:
        return "asyncapi", None
    return None, "neither an OpenAPI document (no `openapi` field) nor an Arazzo document"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentSyntaxError(
            f"not UTF-8 text (byte {error.start} is {data[error.start]:#04x})", uri=name
        ) from None
