"""Serves the schema over HTTP the way Saleor's own API does: JSON POST (single or batched),
the GraphQL multipart request for uploads, GraphiQL on a plain GET, CORS for storefronts on
another origin, and a Bearer token naming the viewer."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql.error import format_error

from ..auth import InvalidToken, get_authenticator
from ..errors import ProgrammeError
from ..i18n import request_language
from ..shop import get_shop
from .core.context import PermissionDenied, RequestContext

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
        return HttpResponse(GRAPHIQL_PAGE, content_type="text/html; charset=utf-8")
    if request.method not in {"GET", "POST"}:
        return _cors(request, _error_response(_("Use POST (or GET for queries)."), 405))
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
    try:
        payload = _read_operations(request)
    except BadRequest as error:
        return _cors(request, _error_response(str(error), 400))
    context = RequestContext(request=request, viewer=viewer, base_url=base_url)
    if isinstance(payload, list):
        if len(payload) > MAX_BATCH:
            return _cors(
                request,
                _error_response(
                    _("At most %(max_batch)s operations.") % {"max_batch": MAX_BATCH}, 400
                ),
            )
        results = [_execute(item, context, request) for item in payload]
        return _cors(request, JsonResponse(results, safe=False))
    return _cors(request, JsonResponse(_execute(payload, context, request)))


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
        if not parts[0].isdigit() or int(parts[0]) >= len(operations):
            raise BadRequest(_("Bad path %(path)r in `map`.") % {"path": path})
        target = operations[int(parts.pop(0))]
    if not parts or parts[0] != "variables":
        raise BadRequest(_("Bad path %(path)r in `map`.") % {"path": path})
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        key: Any = int(part) if isinstance(target, list) and part.isdigit() else part
        try:
            if last:
                target[key] = upload
            else:
                target = target[key]
        except (KeyError, IndexError, TypeError):
            raise BadRequest(_("Bad path %(path)r in `map`.") % {"path": path}) from None


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise BadRequest(_("`%(what)s` is not valid JSON.") % {"what": what}) from None


def _execute(payload: Any, context: RequestContext, request: HttpRequest) -> dict[str, Any]:
    from .api import schema

    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return {"errors": [{"message": _("Send a `query` string.")}]}
    variables = payload.get("variables") or {}
    if not isinstance(variables, dict):
        return {"errors": [{"message": _("`variables` must be an object.")}]}
    query = payload["query"]
    if payload.get("_get") and "mutation" in query.split("{", 1)[0]:
        return {"errors": [{"message": _("Mutations need POST.")}]}
    result = schema.execute(
        query,
        variable_values=variables,
        operation_name=payload.get("operationName"),
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
    elif isinstance(original, ProgrammeError):
        # A query refused on its input (a product that is not for sale, say): the client's
        # mistake, told in full, with the same stable code a mutation would give.
        code = original.code.upper()
        formatted["extensions"] = {"exception": {"code": code}, "field": original.field}
        return formatted
    else:
        # Never show a stack trace's message to the client; the log has it.
        logger.error("wfx API error", exc_info=original)
        formatted["message"] = _("Internal Server Error")
        code = type(original).__name__
    formatted["extensions"] = {"exception": {"code": code}}
    return formatted
