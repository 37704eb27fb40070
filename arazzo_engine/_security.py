"""Applying the caller's credentials to a request, by the OpenAPI security of its operation.

Credentials are keyed by security scheme name. The operation's ``security`` (else the
document's) lists the acceptable requirements; the first one whose schemes all have usable
credentials is applied (an empty requirement, "no security", is taken only when none of the
others can be). Supported: ``apiKey`` in header, query or cookie; ``http`` basic, bearer and
other schemes given a ready value; ``oauth2`` and ``openIdConnect`` with a token given, or
fetched with the client credentials or password flow; ``mutualTLS`` is the client's concern.
Nothing the workflow set itself (a header, query parameter or cookie of the same name) is
ever overwritten.

``apply_security`` is pure and synchronous. Fetching OAuth2 tokens needs I/O, so the runner
awaits ``authorize``, which goes through the runner's own ``httpx.AsyncClient`` (and so its
transport, whether a real network, a mock or an ASGI app) and caches each token until it
expires.
"""

from __future__ import annotations

import asyncio
import base64
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import httpx

from ._exceptions import ExecutionError
from ._openapi import Operation, RefResolver
from ._serialization import percent_encode

if TYPE_CHECKING:
    from ._requests import PreparedRequest

__all__ = [
    "AuthorizationError",
    "Credential",
    "SchemeUse",
    "TokenCache",
    "apply_security",
    "authorize",
    "select_schemes",
]

# Seconds before a token's stated expiry at which it is fetched anew, so that a token never
# expires between being chosen and reaching the server.
EXPIRY_MARGIN = 30.0


class AuthorizationError(ExecutionError):
    """A token could not be obtained (the token endpoint failed or answered nonsense)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="request-error")


@dataclass(frozen=True, slots=True)
class Credential:
    """What a caller supplies for one security scheme of an OpenAPI source."""

    value: str | None = None  # an apiKey value, or a bearer / OAuth2 access token
    username: str | None = None  # http basic, oauth2 password flow
    password: str | None = None
    client_id: str | None = None  # oauth2 client credentials
    client_secret: str | None = None
    scopes: tuple[str, ...] = ()  # requested scopes; default: the requirement's


@dataclass(frozen=True, slots=True)
class SchemeUse:
    """One security scheme of the chosen requirement, resolved, with its credential."""

    name: str
    scheme: Mapping[str, Any]
    scopes: tuple[str, ...]  # as listed in the Security Requirement
    credential: Credential

    @property
    def type(self) -> str:
        return str(self.scheme.get("type", ""))

    @property
    def needs_token(self) -> bool:
        """An OAuth2 / OpenID Connect scheme whose token must be fetched."""
        return self.type in ("oauth2", "openIdConnect") and self.credential.value is None


# --------------------------------------------------------------------------- selection


def _document(resolver: RefResolver, uri: str) -> Mapping[str, Any]:
    try:
        _, root = resolver.resolve(uri, {"$ref": uri})
    except LookupError:
        return {}
    return root if isinstance(root, dict) else {}


def _schemes(resolver: RefResolver, uris: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """Security schemes by name: those of the source document first, then those of the
    document the operation is written in (when a path item ``$ref`` led elsewhere)."""
    found: dict[str, Mapping[str, Any]] = {}
    for uri in uris:
        components = _document(resolver, uri).get("components")
        declared = components.get("securitySchemes") if isinstance(components, dict) else None
        if not isinstance(declared, dict):
            continue
        for name, raw in declared.items():
            if name in found:
                continue
            try:
                _, scheme = resolver.resolve(uri, raw)
            except LookupError:
                continue
            if isinstance(scheme, dict):
                found[str(name)] = scheme
    return found


def _usable(scheme: Mapping[str, Any], credential: Credential) -> bool:
    kind = scheme.get("type")
    if kind == "apiKey":
        return credential.value is not None
    if kind == "http":
        if str(scheme.get("scheme", "")).lower() == "basic":
            return credential.username is not None or credential.value is not None
        return credential.value is not None
    if kind == "oauth2":
        if credential.value is not None:
            return True
        flows = scheme.get("flows")
        flows = flows if isinstance(flows, dict) else {}
        password_flow = (
            credential.username is not None
            and credential.password is not None
            and isinstance(flows.get("password"), dict)
        )
        client_flow = credential.client_id is not None and isinstance(
            flows.get("clientCredentials"), dict
        )
        return password_flow or client_flow
    if kind == "openIdConnect":
        return credential.value is not None or (
            credential.client_id is not None and isinstance(scheme.get("openIdConnectUrl"), str)
        )
    # mutualTLS: the client certificate is configured on the HTTP client by the caller.
    return kind == "mutualTLS"


def select_schemes(
    operation: Operation, resolver: RefResolver, credentials: Mapping[str, Credential]
) -> tuple[SchemeUse, ...]:
    """The schemes of the first Security Requirement that the credentials satisfy; empty when
    none applies (no security declared, none satisfiable, or an empty requirement chosen)."""
    if not credentials:
        return ()
    requirements = operation.definition.get("security")
    if requirements is None:
        requirements = _document(resolver, operation.source_uri).get("security")
    if not isinstance(requirements, list):
        return ()
    schemes = _schemes(resolver, (operation.source_uri, operation.definition_uri))
    for requirement in requirements:
        if not isinstance(requirement, dict) or not requirement:
            continue
        uses = []
        for name, scopes in requirement.items():
            scheme = schemes.get(str(name))
            credential = credentials.get(str(name))
            if scheme is None or credential is None or not _usable(scheme, credential):
                break
            listed = tuple(str(s) for s in scopes) if isinstance(scopes, list) else ()
            uses.append(SchemeUse(str(name), scheme, listed, credential))
        else:
            return tuple(uses)
    return ()


# --------------------------------------------------------------------------- applying


def apply_security(
    prepared: PreparedRequest,
    operation: Operation,
    resolver: RefResolver,
    credentials: Mapping[str, Credential],
    *,
    tokens: Mapping[str, str] | None = None,
) -> PreparedRequest:
    """``prepared`` with the chosen requirement's credentials applied.

    ``tokens`` holds fetched OAuth2 / OpenID Connect access tokens by scheme name; a scheme
    that needs one and has none is left for ``authorize``. A header, query parameter or
    cookie that is already present is never replaced.
    """
    tokens = tokens or {}
    headers = list(prepared.headers)
    header_values = dict(prepared.header_values)
    query = dict(prepared.query_parameters)
    url = prepared.url
    changed = False

    def add_header(name: str, value: str) -> None:
        nonlocal changed
        if name.lower() in header_values:
            return
        headers.append((name, value))
        header_values[name.lower()] = value
        changed = True

    for use in select_schemes(operation, resolver, credentials):
        credential = use.credential
        if use.type == "apiKey":
            where, name = use.scheme.get("in"), str(use.scheme.get("name", ""))
            value = credential.value or ""
            if where == "header":
                add_header(name, value)
            elif where == "query" and name not in query:
                separator = "&" if "?" in url else "?"
                url = f"{url}{separator}{percent_encode(name)}={percent_encode(value)}"
                query[name] = value
                changed = True
            elif where == "cookie":
                cookie = header_values.get("cookie", "")
                if name not in _cookie_names(cookie):
                    pair = f"{name}={value}"
                    merged = f"{cookie}; {pair}" if cookie else pair
                    headers = [(n, v) for n, v in headers if n.lower() != "cookie"]
                    headers.append(("Cookie", merged))
                    header_values["cookie"] = merged
                    changed = True
        elif use.type == "http":
            add_header("Authorization", _http_authorization(use))
        elif use.type in ("oauth2", "openIdConnect"):
            token = credential.value or tokens.get(use.name)
            if token is not None:
                add_header("Authorization", f"Bearer {token}")
    if not changed:
        return prepared
    return replace(
        prepared,
        url=url,
        headers=tuple(headers),
        header_values=MappingProxyType(header_values),
        query_parameters=MappingProxyType(query),
    )


def _http_authorization(use: SchemeUse) -> str:
    credential = use.credential
    scheme = str(use.scheme.get("scheme", ""))
    if scheme.lower() == "basic":
        if credential.username is None:
            return f"Basic {credential.value}"  # already the base64 user:password
        pair = f"{credential.username}:{credential.password or ''}"
        return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    if scheme.lower() == "bearer":
        return f"Bearer {credential.value}"
    # Any other registered HTTP scheme: the caller supplies its credentials text.
    return f"{scheme} {credential.value}"


def _cookie_names(header: str) -> set[str]:
    return {pair.split("=", 1)[0].strip() for pair in header.split(";") if pair.strip()}


# --------------------------------------------------------------------------- OAuth2 tokens


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    expires_at: float | None  # time.monotonic(); None: no expiry was stated


class TokenCache:
    """OAuth2 access tokens by scheme and credential, reused until shortly before expiry."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[Any, ...], _Token] = {}
        self._locks: dict[tuple[Any, ...], asyncio.Lock] = {}
        self._endpoints: dict[str, str] = {}

    async def token(self, use: SchemeUse, client: httpx.AsyncClient, *, base: str) -> str:
        """The access token for ``use``, fetched through ``client`` when none is cached."""
        credential = use.credential
        scopes = credential.scopes or use.scopes
        key = (use.name, credential.client_id, credential.username, scopes)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # concurrent steps wait for one fetch instead of each fetching
            cached = self._tokens.get(key)
            if cached is not None and (
                cached.expires_at is None or time.monotonic() < cached.expires_at
            ):
                return cached.value
            token_url, grant = await self._endpoint(use, client, base)
            fetched = await _fetch_token(client, use.name, token_url, grant, credential, scopes)
            self._tokens[key] = fetched
            return fetched.value

    async def _endpoint(
        self, use: SchemeUse, client: httpx.AsyncClient, base: str
    ) -> tuple[str, str]:
        credential = use.credential
        if use.type == "openIdConnect":
            discovery = urljoin(base, str(use.scheme.get("openIdConnectUrl", "")))
            if discovery not in self._endpoints:
                self._endpoints[discovery] = await _discover(client, use.name, discovery)
            return self._endpoints[discovery], "client_credentials"
        flows = use.scheme.get("flows")
        flows = flows if isinstance(flows, dict) else {}
        if credential.username is not None and isinstance(flows.get("password"), dict):
            flow, grant = flows["password"], "password"
        else:
            flow, grant = flows.get("clientCredentials"), "client_credentials"
        token_url = flow.get("tokenUrl") if isinstance(flow, dict) else None
        if not isinstance(token_url, str) or not token_url:
            raise AuthorizationError(f"security scheme {use.name!r}: the flow has no tokenUrl")
        # OpenAPI: relative URLs in the description resolve against the server URL.
        return urljoin(base, token_url), grant


async def _discover(client: httpx.AsyncClient, name: str, url: str) -> str:
    try:
        response = await client.get(url, headers={"Accept": "application/json"})
        document = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as error:
        raise AuthorizationError(
            f"security scheme {name!r}: OpenID Connect discovery at {url} failed: {error}"
        ) from None
    endpoint = document.get("token_endpoint") if isinstance(document, dict) else None
    if not isinstance(endpoint, str):
        raise AuthorizationError(
            f"security scheme {name!r}: OpenID Connect discovery at {url} gave no token_endpoint"
            f" (status {response.status_code})"
        )
    return endpoint


async def _fetch_token(
    client: httpx.AsyncClient,
    name: str,
    token_url: str,
    grant: str,
    credential: Credential,
    scopes: Sequence[str],
) -> _Token:
    form = {"grant_type": grant}
    if grant == "password":
        form["username"] = credential.username or ""
        form["password"] = credential.password or ""
    if scopes:
        form["scope"] = " ".join(scopes)
    # RFC 6749 §2.3.1: authorization servers MUST support HTTP Basic client authentication,
    # so the client id and secret go there rather than in the form.
    headers = {"Accept": "application/json"}
    started = time.monotonic()
    try:
        if credential.client_id is not None:
            auth = httpx.BasicAuth(credential.client_id, credential.client_secret or "")
            response = await client.post(token_url, data=form, auth=auth, headers=headers)
        else:  # a public client of the password flow
            response = await client.post(token_url, data=form, headers=headers)
        answer = response.json()
    except httpx.HTTPError as error:
        raise AuthorizationError(
            f"security scheme {name!r}: the token request to {token_url} failed: {error}"
        ) from None
    except ValueError:
        answer = None
    if response.status_code != 200 or not isinstance(answer, dict):
        detail = ""
        if isinstance(answer, dict) and isinstance(answer.get("error"), str):
            detail = f": {answer['error']}"
            if isinstance(answer.get("error_description"), str):
                detail += f" ({answer['error_description']})"
        raise AuthorizationError(
            f"security scheme {name!r}: the token endpoint {token_url} answered "
            f"{response.status_code}{detail}"
        )
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise AuthorizationError(
            f"security scheme {name!r}: the token endpoint {token_url} returned no access_token"
        )
    lifetime = answer.get("expires_in")
    expires_at = None
    if isinstance(lifetime, int | float) and not isinstance(lifetime, bool):
        expires_at = started + max(0.0, float(lifetime) - EXPIRY_MARGIN)
    return _Token(token, expires_at)


# One cache per client when the caller keeps none: a run's client lives as long as the run.
_CLIENT_CACHES: weakref.WeakKeyDictionary[httpx.AsyncClient, TokenCache] = (
    weakref.WeakKeyDictionary()
)


async def authorize(
    prepared: PreparedRequest,
    operation: Operation,
    resolver: RefResolver,
    credentials: Mapping[str, Credential],
    client: httpx.AsyncClient,
    *,
    cache: TokenCache | None = None,
    base: str | None = None,
) -> PreparedRequest:
    """``prepared`` with every credential applied, OAuth2 tokens fetched as needed.

    Tokens are requested through ``client`` and kept in ``cache`` (by default one cache per
    client). ``base`` is the server URL that relative token and discovery URLs resolve
    against; by default the request's own URL. No token is fetched when the workflow set
    ``Authorization`` itself.
    """
    uses = select_schemes(operation, resolver, credentials)
    tokens: dict[str, str] = {}
    if "authorization" not in prepared.header_values:
        pending = [use for use in uses if use.needs_token]
        if pending:
            if cache is None:
                cache = _CLIENT_CACHES.setdefault(client, TokenCache())
            for use in pending:
                tokens[use.name] = await cache.token(use, client, base=base or prepared.url)
    return apply_security(prepared, operation, resolver, credentials, tokens=tokens)
