"""Serves the schema over HTTP the way Saleor's own API does: JSON POST (single or batched),
the GraphQL multipart request for uploads (capped while they stream, `uploads`), GraphiQL on a
plain GET while DEBUG is on, CORS for storefronts on another origin, and a Bearer token naming
the viewer. Every operation of a request is read and checked (`core.validators`: cost, depth,
aliases, NUL characters, GET only reading) before the token is looked at and before any SQL."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql.error import format_error
from graphql.language import ast

from ..auth import InvalidToken, get_authenticator
from ..domain.messages import DomainError
from ..domain_messages import refusal
from ..errors import ProgrammeError
from ..i18n import request_language
from ..shop import get_shop
from .core.context import PermissionDenied, RequestContext
from .core.documents import ParsedQuery, validate_once_backend, validated_documents
from .core.validators import (
    RequestRefused,
    check_operation,
    check_query_length,
    cost_exceeded,
    max_query_cost,
)
from .uploads import UploadTooLarge, refuse_oversized

logger = logging.getLogger(__name__)

MAX_BATCH = 10

# Saleor's own answer while the shop refuses storefront traffic (its code, message and status),
# so a storefront that handles it for Saleor's API handles it here.
STOREFRONT_TRAFFIC_NOT_ALLOWED = "STOREFRONT_TRAFFIC_NOT_ALLOWED"

GRAPHIQL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Distribution API · GraphiQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3.7.1/graphiql.min.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style></head>
<body><div id="graphiql">Loading GraphiQL…</div>
<script src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
<script src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
<script src="https://unpkg.com/graphiql@3.7.1/graphiql.min.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({url: window.location.pathname});
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {fetcher, defaultHeaders: '{"Authorization": "Bearer "}'}));
</script></body></html>"""


class BadRequest(Exception):
    pass


def _cors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # The same origins Saleor's API allows (its ALLOWED_GRAPHQL_ORIGINS, default every origin):
    # tokens travel in a header, never in cookies, so no credentials are allowed cross-origin.
    allowed = getattr(settings, "ALLOWED_GRAPHQL_ORIGINS", ["*"])
    if isinstance(allowed, str):
        allowed = [allowed]
    origin = request.headers.get("Origin")
    if origin and ("*" in allowed or origin in allowed):
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "POST, GET, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        response["Vary"] = "Origin"
    return response


def graphql_view(request: HttpRequest, base_url: str) -> HttpResponse:
    with translation.override(request_language(request)):
        response = _graphql_response(request, base_url)
    # Caches must keep the English and the Chinese answer apart.
    patch_vary_headers(response, ("Accept-Language",))
    return response


def _graphql_response(request: HttpRequest, base_url: str) -> HttpResponse:
    if request.method == "OPTIONS":
        return _cors(request, HttpResponse(status=200))
    if request.method == "GET" and "query" not in request.GET:
        return _graphiql()
    if request.method not in {"GET", "POST"}:
        return _cors(request, _error_response(_("Use POST (or GET for queries)."), 405))
    try:
        payload = _read_operations(request)
    except BadRequest as error:
        return _cors(request, _error_response(str(error), 400))
    except UploadTooLarge as error:
        return _cors(request, _error_response(str(error), 413, code="RequestTooLarge"))
    except RequestDataTooBig:
        # Django's own cap on what it holds in memory (DATA_UPLOAD_MAX_MEMORY_SIZE).
        message = _("The request body is too large.")
        return _cors(request, _error_response(message, 413, code="RequestTooLarge"))
    batched = isinstance(payload, list)
    if batched and len(payload) > MAX_BATCH:
        return _cors(
            request,
            _error_response(_("At most %(max_batch)s operations.") % {"max_batch": MAX_BATCH}, 400),
        )
    operations, refusal = _prepare_all(payload if batched else [payload])
    if refusal is not None:
        return _cors(
            request, JsonResponse(refusal if batched else refusal[0], safe=False, status=400)
        )
    try:
        viewer = get_authenticator().viewer_from_request(request)
    except InvalidToken as error:
        response = _error_response(str(error), 401, code="InvalidToken")
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return _cors(request, response)
    if viewer.is_storefront_traffic and not get_shop().storefront_traffic_allowed():
        response = _error_response(
            _("Storefront traffic is not allowed."), 401, code=STOREFRONT_TRAFFIC_NOT_ALLOWED
        )
        return _cors(request, response)
    context = RequestContext(request=request, viewer=viewer, base_url=base_url)
    results = [_execute(operation, context) for operation in operations]
    return _cors(request, JsonResponse(results if batched else results[0], safe=False))


@dataclass
class _Operation:
    """One operation of a request, read and checked, not yet run."""

    query: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    cost: int = 0
    document: ast.Document | None = None
    # Answered without running: a malformed item, or a refusal of the checks.
    answer: dict[str, Any] | None = None
    refused: bool = False


def _prepare(payload: Any) -> _Operation:
    from .api import schema

    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return _Operation(answer={"errors": [{"message": _("Send a `query` string.")}]})
    variables = payload.get("variables") or {}
    if not isinstance(variables, dict):
        return _Operation(answer={"errors": [{"message": _("`variables` must be an object.")}]})
    operation_name = payload.get("operationName")
    if not isinstance(operation_name, str | None):
        return _Operation(answer={"errors": [{"message": "`operationName` must be a string."}]})
    operation = _Operation(payload["query"], variables, operation_name)
    try:
        check_query_length(operation.query)
    except RequestRefused as refusal:
        return _refused(refusal)
    try:
        document = validated_documents.parse(schema, operation.query)
    except GraphQLError:
        return operation  # execution reports the syntax error where it is
    except RecursionError:
        return _refused(
            RequestRefused(_("The query is nested too deeply."), code="QueryDepthExceeded")
        )
    try:
        checked = check_operation(
            schema, document, variables, operation_name, read_only=bool(payload.get("_get"))
        )
    except RequestRefused as refusal:
        return _refused(refusal)
    operation.cost = checked.cost
    operation.document = document
    return operation


def _refused(refusal: RequestRefused) -> _Operation:
    return _Operation(answer={"errors": [_refusal_error(refusal)]}, refused=True)


def _refusal_error(refusal: RequestRefused) -> dict[str, Any]:
    extensions = {"code": refusal.code, "exception": {"code": refusal.code}}
    extensions.update(refusal.extensions or {})
    return {"message": refusal.message, "extensions": extensions}


def _prepare_all(items: list[Any]) -> tuple[list[_Operation], list[dict[str, Any]] | None]:
    """Every operation of a request read and checked; or, when the request must not run at all
    (an operation refused, or a batch costing more than one request may: a batch is one request),
    the answers to send instead. Checking stops at the first refusal: parsing the rest of a
    hostile batch would be the work the limits are there to avoid."""
    operations: list[_Operation] = []
    total = 0
    for index, item in enumerate(items):
        operation = _prepare(item)
        operations.append(operation)
        total += operation.cost
        if total > max_query_cost() and not operation.refused:
            error = _refusal_error(cost_exceeded(total))
            return operations, [{"errors": [error]} for _ in items]
        if operation.refused:
            not_run = _refusal_error(
                RequestRefused(
                    _("Not run: another operation of this batch was refused."), code="BatchRefused"
                )
            )
            answers = [{"errors": [not_run]} for _ in items]
            answers[index] = operation.answer or answers[index]
            return operations, answers
    return operations, None


def _graphiql() -> HttpResponse:
    # The page loads GraphiQL from a public CDN: fine on a developer's machine, not in a shop
    # where a compromised CDN would run script beside staff tokens. Production has the dashboard.
    if not settings.DEBUG:
        return HttpResponse(
            "GraphiQL is served only while DEBUG is on; POST queries to this address.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(GRAPHIQL_PAGE, content_type="text/html; charset=utf-8")


def _error_response(message: str, status: int, *, code: str = "GraphQLError") -> JsonResponse:
    # `extensions.code` is where Saleor's API puts a request-level code; `exception.code` is
    # where this API's clients have always read it.
    extensions = {"code": code, "exception": {"code": code}}
    return JsonResponse({"errors": [{"message": message, "extensions": extensions}]}, status=status)


def _read_operations(request: HttpRequest) -> Any:
    if request.method == "GET":
        return {
            "query": request.GET.get("query"),
            "variables": _json(request.GET.get("variables") or "null", "variables"),
            "operationName": request.GET.get("operationName"),
            "_get": True,
        }
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        return _read_multipart(request)
    if content_type not in {"application/json", ""}:
        raise BadRequest(_("Send application/json or multipart/form-data."))
    return _json(request.body.decode("utf-8", errors="replace") or "null", "body")


def _read_multipart(request: HttpRequest) -> Any:
    """https://github.com/jaydenseric/graphql-multipart-request-spec, as Saleor reads it."""
    cap = refuse_oversized(request)
    if cap is not None:
        request.FILES  # noqa: B018 (parse now, through the cap)
        if cap.exceeded:
            raise UploadTooLarge(cap.limit)
    operations = _json(request.POST.get("operations") or "null", "operations")
    files_map = _json(request.POST.get("map") or "{}", "map")
    if not isinstance(files_map, dict):
        raise BadRequest(_("`map` must be an object."))
    for file_key, paths in files_map.items():
        if file_key not in request.FILES:
            raise BadRequest(
                _("File %(file_key)r named in `map` was not sent.") % {"file_key": file_key}
            )
        if not isinstance(paths, list):
            raise BadRequest(_("`map` values must be lists of paths."))
        for path in paths:
            _place_file(operations, str(path), request.FILES[file_key])
    return operations


def _place_file(operations: Any, path: str, upload: Any) -> None:
    parts = path.split(".")
    target = operations
    if isinstance(operations, list):
        if not _is_index(parts[0]) or int(parts[0]) >= len(operations):
            raise BadRequest(_("Bad path %(path)r in `map`.") % {"path": path})
        target = operations[int(parts.pop(0))]
    if not parts or parts[0] != "variables":
        raise BadRequest(_("Bad path %(path)r in `map`.") % {"path": path})
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        key: Any = int(part) if isinstance(target, list) and _is_index(part) else part
        try:
            if last:
                target[key] = upload
            else:
                target = target[key]
        except (KeyError, IndexError, TypeError):
            raise BadRequest(_("Bad path %(path)r in `map`.") % {"path": path}) from None


def _is_index(part: str) -> bool:
    # Not str.isdigit alone: it accepts "²", which int() refuses.
    return part.isascii() and part.isdigit()


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise BadRequest(_("`%(what)s` is not valid JSON.") % {"what": what}) from None


def _execute(operation: _Operation, context: RequestContext) -> dict[str, Any]:
    from .api import schema

    if operation.answer is not None:
        return operation.answer
    assert operation.query is not None
    request = (
        operation.query
        if operation.document is None
        else ParsedQuery(operation.query, operation.document)
    )
    result = schema.execute(
        request,
        backend=validate_once_backend,
        variable_values=operation.variables,
        operation_name=operation.operation_name,
        context_value=context,
    )
    response: dict[str, Any] = {"data": result.data}
    if result.errors:
        response["errors"] = [_format(error) for error in result.errors]
    return response


def _format(error: Exception) -> dict[str, Any]:
    original = getattr(error, "original_error", None)
    if isinstance(error, GraphQLError):
        formatted: dict[str, Any] = format_error(error)
    else:  # pragma: no cover - graphql-core wraps resolver errors in GraphQLError
        formatted = {"message": str(error)}
    if original is None or isinstance(original, GraphQLError):
        code = "GraphQLError"
    elif isinstance(original, PermissionDenied):
        code = "PermissionDenied"
    elif isinstance(original, ProgrammeError | DomainError):
        # A query refused on its input (a product that is not for sale, say): the client's
        # mistake, told in full, with the same stable code a mutation would give.
        if isinstance(original, DomainError):
            original = refusal(original, field=getattr(original, "field", None))
            formatted["message"] = str(original)
        code = original.code.upper()
        exception = {"code": code}
        if original.detail_code:
            exception["detailCode"] = original.detail_code.upper()
        formatted["extensions"] = {"exception": exception, "field": original.field}
        return formatted
    else:
        # Never show a stack trace's message to the client; the log has it.
        logger.error("wfx API error", exc_info=original)
        formatted["message"] = _("Internal Server Error")
        code = type(original).__name__
    formatted["extensions"] = {"exception": {"code": code}}
    return formatted
