"""`<prefix>/dashboard/manifest.json`: what `appInstall` fetches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from .headers import frame_ancestors_policy
from .manifest import build_manifest


def manifest_view(request: HttpRequest, base_url: str) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    response = JsonResponse(build_manifest(base_url), json_dumps_params={"ensure_ascii": False})
    # Saleor fetches it at install time only; a stale cached copy would install old URLs.
    response["Cache-Control"] = "no-cache"
    # The dashboard's extension page reads the manifest from another origin.
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Security-Policy"] = frame_ancestors_policy()
    return response
