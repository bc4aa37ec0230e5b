from decimal import Decimal

from django.db.models import Sum

from saleor_wfx_plugin.models import LedgerEntry


def net_by_level(order) -> dict[int, tuple[str, Decimal]]:
    """{level: (distributor code, net amount)} for one order, from the ledger."""
    rows = (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.order_id)
        .values("level", "distributor__code")
        .annotate(net=Sum("amount"))
    )
    return {row["level"]: (row["distributor__code"], row["net"]) for row in rows}


def entry_count(order) -> int:
    return (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.order_id)
        .count()
    )


def photo(image_format: str, size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny picture in `image_format` ("PNG", "JPEG", "WEBP"), as a phone would send."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, image_format)
    return out.getvalue()
