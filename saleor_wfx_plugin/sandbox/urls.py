"""The plugin's routes at the path Saleor gives them, for the sandbox and the tests."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import path

from ..http import handle
from ..shop import get_shop


def plugin_routes(request: HttpRequest, subpath: str) -> HttpResponse:
    # Like DistributionPlugin.webhook: nothing is served while the programme is off.
    if get_shop().program_settings() is None:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    return handle(request, subpath)


urlpatterns = [path("plugins/wfx.distribution/<path:subpath>", plugin_routes)]
