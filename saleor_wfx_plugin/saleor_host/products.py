"""A product as a poster shows it (`shop.ProductCard`), read from Saleor's catalogue the way an
anonymous storefront visitor sees it."""

from __future__ import annotations

import logging

from ..domain.money import Money
from ..shop import ProductCard

logger = logging.getLogger(__name__)


def product_card(product_id: str, channel_slug: str | None) -> ProductCard | None:
    import hashlib

    from django.conf import settings
    from django.db.models import Min
    from graphql_relay import from_global_id
    from saleor.channel.models import Channel
    from saleor.product import ProductMediaTypes
    from saleor.product.models import (
        Product,
        ProductChannelListing,
        ProductVariantChannelListing,
    )

    try:
        node_type, pk = from_global_id(product_id)
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if node_type != "Product":
        return None
    # A poster only reads: the replica, as Saleor's own query resolvers do.
    database = settings.DATABASE_CONNECTION_REPLICA_NAME
    channels = Channel.objects.using(database).filter(is_active=True)
    channel = (
        channels.filter(slug=channel_slug) if channel_slug else channels.order_by("slug")
    ).first()
    if channel is None:
        return None
    # What an anonymous storefront visitor may open: published, with a priced variant.
    product = (
        Product.objects.using(database)
        .published_with_variants(channel)
        .filter(pk=pk)
        .prefetch_related("media")
        .first()
    )
    if product is None:
        return None

    listing = (
        ProductChannelListing.objects.using(database)
        .filter(product_id=product.pk, channel_id=channel.pk)
        .first()
    )
    price = None
    if listing is not None and listing.discounted_price_amount is not None:
        price = Money(listing.discounted_price_amount, listing.currency)
    else:
        lowest = (
            ProductVariantChannelListing.objects.using(database)
            .filter(
                variant__product_id=product.pk,
                channel_id=channel.pk,
                price_amount__isnull=False,
            )
            .aggregate(lowest=Min("price_amount"))["lowest"]
        )
        if lowest is not None:
            price = Money(lowest, channel.currency_code)

    image = None
    media = next(
        (
            item
            for item in product.media.all()
            if item.type == ProductMediaTypes.IMAGE and item.image
        ),
        None,
    )
    if media is not None:
        # Storage may be S3 or a disk that lost the file: a poster without the image beats
        # no poster. Anything above 20 MB is no product photo a poster needs.
        limit = 20 * 1024 * 1024
        try:
            with media.image.storage.open(media.image.name, "rb") as stored:
                image = stored.read(limit + 1)
        except Exception:
            logger.warning(
                "wfx.distribution: cannot read image %s of product %s for a poster",
                media.image.name,
                product.pk,
                exc_info=True,
            )
            image = None
        if image is not None and len(image) > limit:
            image = None

    version = hashlib.sha256(
        "\x1f".join(
            (
                product.name,
                str(price or ""),
                media.image.name if media is not None else "",
                product.updated_at.isoformat(),
            )
        ).encode()
    ).hexdigest()[:16]
    return ProductCard(
        product_id=str(product.pk),
        name=product.name,
        path=f"/products/{product.slug}",
        price=price,
        image=image,
        version=version,
    )
