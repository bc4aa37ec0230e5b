"""The plugin's HTTP routes below `/plugins/global/wfx.distribution/`, and below the legacy
`/plugins/wfx.distribution/` for links printed before (Saleor hands every request on either to
`DistributionPlugin.webhook` with the same path and no authentication of its own; the sandbox
mounts this function at both prefixes). Every link made uses the kept prefix:

    graphql/                 the API (GraphiQL on a browser GET, with DEBUG on)
    r/<code>                 referral link: counts the visit, redirects to the storefront
    posters/<key>.png        a generated share poster
    documents/<signed id>    an applicant's document, for staff holding a link from the API
    dashboard/manifest.json  the App manifest `appInstall` reads (dashboard/manifest_view.py)
    dashboard/               the pages Saleor's dashboard frames (dashboard/views.py)
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponseRedirect,
)

from .saleor_host.routes import LEGACY_ROUTE_PREFIX, ROUTE_PREFIX

_REFERRAL = re.compile(r"/r/([^/]{1,64})/?")
_POSTER = re.compile(r"/posters/([0-9a-f]{32})\.png")
# Staff open documents from the dashboard in a browser, which cannot add a Bearer header: the
# API hands them a short-lived signed link instead, and this route checks the signature.
DOCUMENT_LINK_SALT = "saleor_wfx_plugin.document"
DOCUMENT_LINK_MAX_AGE_SECONDS = 5 * 60

_DOCUMENT = re.compile(r"/documents/([A-Za-z0-9:_\-]{1,200})")


def public_base_url(request: HttpRequest) -> str:
    """Absolute URL of the plugin's routes, on the kept prefix whichever one the request came
    in on. Saleor's PUBLIC_URL wins over the request's host, which a proxy may have rewritten."""
    public_url = getattr(settings, "PUBLIC_URL", None)
    if public_url:
        return public_url.rstrip("/") + ROUTE_PREFIX
    return request.build_absolute_uri(ROUTE_PREFIX)


def handle(request: HttpRequest, path: str) -> HttpResponse:
    path = "/" + path.lstrip("/")
    if path in {"/graphql", "/graphql/"}:
        from .graphql.view import graphql_view

        if _opens_graphiql(request) and (kept := _on_kept_prefix(request, path)):
            # A person's browser: show them the address to bookmark. API clients on the old
            # prefix are answered where they are (a redirect would lose a POST's body in some).
            return HttpResponseRedirect(kept)
        return graphql_view(request, public_base_url(request))
    if path == "/dashboard/manifest.json":
        from .dashboard.manifest_view import manifest_view

        return manifest_view(request, public_base_url(request))
    if match := _REFERRAL.fullmatch(path):
        from .links import referral_redirect

        return referral_redirect(request, match.group(1))
    if match := _POSTER.fullmatch(path):
        return _poster(request, match.group(1))
    if match := _DOCUMENT.fullmatch(path):
        return _document(request, match.group(1))
    if path == "/dashboard" or path.startswith("/dashboard/"):
        from .dashboard.views import serve

        return serve(request, path.removeprefix("/dashboard"))
    return HttpResponseNotFound("Not found", content_type="text/plain")


def _opens_graphiql(request: HttpRequest) -> bool:
    return request.method == "GET" and "query" not in request.GET


def _on_kept_prefix(request: HttpRequest, path: str) -> str | None:
    """The request's own URL moved to the kept prefix, when it came in on the legacy one (the
    part before the prefix, e.g. a proxy's sub-path, stays)."""
    legacy = LEGACY_ROUTE_PREFIX + path
    if not request.path.endswith(legacy):
        return None
    return request.path[: -len(legacy)] + ROUTE_PREFIX + path


def _poster(request: HttpRequest, key: str) -> HttpResponse:
    from .posters import open_poster

    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    png = open_poster(key)
    if png is None:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    # The key hashes everything drawn on the poster: its content never changes.
    return HttpResponse(
        png,
        content_type="image/png",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


def document_link(base_url: str, document_id: int) -> str:
    token = signing.TimestampSigner(salt=DOCUMENT_LINK_SALT).sign(str(document_id))
    return f"{base_url}/documents/{token}"


def _document(request: HttpRequest, token: str) -> HttpResponse:
    from .models import ApplicationDocument

    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    try:
        document_id = signing.TimestampSigner(salt=DOCUMENT_LINK_SALT).unsign(
            token, max_age=DOCUMENT_LINK_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        return HttpResponse("This link has expired; open the application again.", status=410)
    except signing.BadSignature:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    document = ApplicationDocument.objects.filter(pk=document_id).first()
    if document is None:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    if document.file_deletion_reason or document.file_deleted_at or not document.file.name:
        return HttpResponse(
            "This document's file was deleted (retention period over, or personal data erased).",
            status=410,
            content_type="text/plain",
        )
    extension = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
        "application/pdf": "pdf",
    }.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=f"{document.kind}-{document.application_id}.{extension}",
    )
    # Personal data: never in a shared cache, never sniffed into something executable.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
