"""The referral link `/plugins/global/wfx.distribution/r/<code>` (and the same below the legacy
prefix, for printed QR codes): send the visitor to the storefront with the distributor's code,
and count the visit.

Parsing, the distributor lookup and the response live here; where the link may lead, which
visits count and who a visitor is are decided in `domain.links`.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.utils import timezone

from .domain.attribution import DistributorStatus, is_well_formed_code, normalize_code
from .domain.links import is_known_bot, safe_redirect_target, visitor_fingerprint
from .models import Distributor
from .rate_limits import RateLimited, hit
from .services.clicks import record_click
from .shop import get_shop, shop_time_zone

logger = logging.getLogger(__name__)

ALLOWED_METHODS = ("GET", "HEAD")


def referral_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """302 to the storefront (or the link's `?next=`, when it is an allowed target).

    Only an active distributor's code is passed on and counted. Any other code, unknown or
    belonging to a pending, suspended or rejected distributor, still takes the visitor to the
    shop, but without a code: the link must not vouch for a code that would attribute nothing."""
    program = get_shop().program_settings()
    if program is None or not program.storefront_url:
        return HttpResponseNotFound("Referral links are not enabled.")
    if request.method not in ALLOWED_METHODS:
        return HttpResponseNotAllowed(ALLOWED_METHODS)
    try:
        hit("referral_link", f"ip:{client_ip(request)}")
    except RateLimited as limited:
        # Before the lookup: a flood of links costs no query. A person is never this fast.
        return HttpResponse(
            f"RATE_LIMITED: {limited}",
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(limited.retry_after), "Cache-Control": "no-store"},
        )

    distributor = _active_distributor(normalize_code(code))
    target = safe_redirect_target(
        program.storefront_url,
        program.redirect_allowed_hosts,
        request.GET.get("next"),
        distributor.code if distributor else None,
        program.referral_query_param,
    )
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    # HEAD is what link checkers and previewers send; a person's browser always GETs.
    if distributor and request.method == "GET" and not is_known_bot(user_agent):
        _count_click(distributor, request, urlsplit(target).path)

    response = HttpResponseRedirect(target)
    # Every visit must reach us to be counted, and a cached redirect would keep passing on the
    # code of a distributor suspended since.
    response["Cache-Control"] = "no-store"
    # The storefront may learn that the visit came through the shop's own link, not the path.
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    # The links are posted publicly; search engines should index the products, not the links.
    response["X-Robots-Tag"] = "noindex"
    return response


def _active_distributor(code: str | None) -> Distributor | None:
    if code is None or not is_well_formed_code(code):
        return None
    try:
        return Distributor.objects.filter(code=code, status=DistributorStatus.ACTIVE.value).first()
    except DatabaseError:
        # Without the database the code cannot be checked; the visitor still reaches the shop.
        logger.exception("Referral link: could not look up code %s", code)
        return None


def _count_click(distributor: Distributor, request: HttpRequest, product_path: str) -> None:
    day = shop_today()
    visitor = visitor_fingerprint(settings.SECRET_KEY, client_ip(request), day)
    try:
        # A savepoint, so a failure cannot poison a transaction the request may run in.
        with transaction.atomic():
            record_click(distributor, day=day, visitor=visitor, product_path=product_path)
    except DatabaseError:
        # Losing a click in the statistics is better than losing the visitor.
        logger.exception("Referral link: could not record a click for %s", distributor.code)


def shop_today() -> date:
    return timezone.now().astimezone(shop_time_zone()).date()


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind `WFX_TRUSTED_PROXY_COUNT` proxies it is that many entries
    from the right of X-Forwarded-For: entries further left are whatever the client sent, and
    trusting them would let anyone count as a new visitor on every request."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    trusted_proxies = int(getattr(settings, "WFX_TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted_proxies <= 0:
        return remote_addr
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < trusted_proxies:
        return remote_addr
    candidate = forwarded[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
