"""Serves the built dashboard bundle below `<prefix>/dashboard/`.

    dashboard/               index.html (the app; its routes are hash routes)
    dashboard/assets/<file>  the bundle's files, content-hashed by Vite

Saleor's SecurityMiddleware sends `nosniff`, so each file needs its true Content-Type; hashed
names never change content, so they are cached for a year, while index.html (which names the
current hashes) is revalidated on every load so an upgrade shows at once.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect

from .headers import frame_ancestors_policy

STATIC_ROOT = Path(__file__).resolve().parent / "static"

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
# Vite's names: <name>-<8 or more base64url characters>.<extension>; nothing else is served.
_ASSET = re.compile(r"/assets/([A-Za-z0-9_.\-\[\]]+-[A-Za-z0-9_\-]{8,}\.[a-z0-9]+)")
IMMUTABLE = "public, max-age=31536000, immutable"


@cache
def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None


def serve(request: HttpRequest, subpath: str) -> HttpResponse:
    """`subpath` is what follows `/dashboard` (empty, `/`, or `/assets/…`)."""
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    if subpath == "":
        # The bundle's URLs are relative to the folder: without the slash they would miss it.
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(request.path + "/" + (f"?{query}" if query else ""))
    if subpath in {"/", "/index.html"}:
        return _index()
    match = _ASSET.fullmatch(subpath)
    if match is None:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    name = match.group(1)
    content_type = CONTENT_TYPES.get(Path(name).suffix)
    body = _read(STATIC_ROOT / "assets" / name) if content_type else None
    if body is None:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = IMMUTABLE
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _index() -> HttpResponse:
    body = _read(STATIC_ROOT / "index.html")
    if body is None:
        # A source checkout where `npm run build` never ran: say so instead of a blank frame.
        return HttpResponse(
            "The dashboard bundle is missing: run `npm run build` in dashboard_extension/.",
            status=503,
            content_type="text/plain",
        )
    # A mistaken WFX_DASHBOARD_ORIGINS fails closed to the API's own origin (check wfx.E001).
    policy = frame_ancestors_policy()
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = policy
    response["X-Content-Type-Options"] = "nosniff"
    # The dashboard's AppBridge accepts messages only from document.referrer's origin; the
    # page's own requests need not carry more than the origin either.
    response["Referrer-Policy"] = "origin-when-cross-origin"
    return response
