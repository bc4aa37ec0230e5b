"""The plugin's routes at the paths Saleor gives them, for the sandbox and the tests."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import path

from ..http import handle
from ..saleor_host.routes import LEGACY_ROUTE_PREFIX, ROUTE_PREFIX
from ..shop import get_shop


def plugin_routes(request: HttpRequest, subpath: str) -> HttpResponse:
    # Like DistributionPlugin.webhook: nothing is served while the programme is off.
    if get_shop().program_settings() is None:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    return handle(request, subpath)


urlpatterns = [
    path(f"{prefix.lstrip('/')}/<path:subpath>", plugin_routes)
    for prefix in (ROUTE_PREFIX, LEGACY_ROUTE_PREFIX)
]
