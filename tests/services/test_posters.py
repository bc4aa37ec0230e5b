import io
from dataclasses import replace
from decimal import Decimal

import pytest
import segno
from PIL import Image, ImageDraw

from saleor_wfx_plugin import poster_drawing as drawing
from saleor_wfx_plugin import poster_fonts as fonts
from saleor_wfx_plugin import posters
from saleor_wfx_plugin.domain.attribution import DistributorStatus
from saleor_wfx_plugin.domain.money import Money
from saleor_wfx_plugin.poster_drawing import format_price, render_poster
from saleor_wfx_plugin.posters import get_or_create_poster, open_poster, referral_link
from saleor_wfx_plugin.services.distributors import DistributorError, create_distributor
from saleor_wfx_plugin.shop import ProductCard

pytestmark = pytest.mark.django_db

BASE_URL = "https://api.shop.com/plugins/global/wfx.distribution"
RED = (200, 30, 30)


def encoded_image(colour=RED, size=(400, 200), image_format="JPEG") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format=image_format)
    return output.getvalue()


SERUM = ProductCard(
    product_id="72",
    name="玻尿酸精华液 Hyaluronic Serum",
    path="/products/serum",
    price=Money(Decimal("299.00"), "CNY"),
    image=encoded_image(),
    version="v1",
)


@pytest.fixture(autouse=True)
def poster_storage(settings, tmp_path):
    settings.WFX_PRIVATE_STORAGE = None
    settings.WFX_PRIVATE_MEDIA_ROOT = str(tmp_path)
    return tmp_path / "wfx" / "posters"


@pytest.fixture
def amy(db):
    return create_distributor(code="AMY01", email="amy@example.com")


def stored_posters(directory):
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def as_image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def qr_in_poster(poster: Image.Image, link: str) -> tuple[list[list[bool]], list[list[bool]]]:
    """(modules read off the poster, modules of `link`'s QR code at level M), quiet zone
    included; read at the centre of each module where the poster's QR square should hold them."""
    expected = [
        [bool(dark) for dark in row]
        for row in segno.make(link, error="m", boost_error=False).matrix_iter(border=4)
    ]
    modules = len(expected)
    scale = drawing.QR_BOX_SIZE // modules
    left, top = drawing.QR_BOX_ORIGIN
    offset = (drawing.QR_BOX_SIZE - modules * scale) // 2
    read = [
        [
            poster.getpixel(
                (
                    left + offset + column * scale + scale // 2,
                    top + offset + row * scale + scale // 2,
                )
            )
            == (0, 0, 0)
            for column in range(modules)
        ]
        for row in range(modules)
    ]
    return read, expected


def test_the_referral_link_leads_through_the_plugin_to_the_product_page():
    assert referral_link(BASE_URL + "/", "AMY01", "/products/精华") == (
        f"{BASE_URL}/r/AMY01?next=/products/%E7%B2%BE%E5%8D%8E"
    )
    assert referral_link(BASE_URL, "AMY01") == f"{BASE_URL}/r/AMY01"


@pytest.mark.parametrize(
    ("price", "printed"),
    [
        (Money(Decimal("299"), "CNY"), "¥299.00"),
        (Money(Decimal("1299.5"), "USD"), "1,299.50 USD"),
        (Money(Decimal("1299.5"), "JPY"), "1,300 JPY"),
    ],
)
def test_prices_are_printed_with_their_currency(price, printed):
    assert format_price(price) == printed


def test_a_poster_is_a_phone_sized_png_with_the_product_image_filling_the_top():
    poster = as_image(render_poster(SERUM, "AMY01", f"{BASE_URL}/r/AMY01"))

    assert poster.size == (750, 1334)
    # A 2:1 landscape photo is cropped to cover the whole box, corners included.
    for corner in [(5, 5), (744, 5), (5, 694), (744, 694)]:
        pixel = poster.getpixel(corner)
        assert all(abs(got - want) < 12 for got, want in zip(pixel, RED, strict=True))
    assert poster.getpixel((375, 720)) == drawing.BACKGROUND


def test_the_qr_code_is_the_referral_link_at_level_m_with_a_quiet_zone():
    link = referral_link(BASE_URL, "AMY01", "/products/serum")
    other_link = referral_link(BASE_URL, "BOB02", "/products/serum")

    poster = as_image(render_poster(SERUM, "AMY01", link))

    read, expected = qr_in_poster(poster, link)
    assert read == expected
    read_as_other, other_expected = qr_in_poster(poster, other_link)
    assert read_as_other != other_expected


def test_the_same_card_code_and_link_give_the_same_bytes():
    link = referral_link(BASE_URL, "AMY01", SERUM.path)
    assert render_poster(SERUM, "AMY01", link) == render_poster(SERUM, "AMY01", link)
    cheaper = replace(SERUM, price=Money(Decimal("259.00"), "CNY"))
    assert render_poster(cheaper, "AMY01", link) != render_poster(SERUM, "AMY01", link)


@pytest.mark.parametrize(
    "image",
    [
        None,
        b"",
        b"not an image at all",
        encoded_image()[:200],  # a truncated upload
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    ],
    ids=["none", "empty", "garbage", "truncated-jpeg", "png-header-only"],
)
def test_a_product_without_a_readable_image_gets_a_neutral_block(image):
    poster = as_image(render_poster(replace(SERUM, image=image), "AMY01", f"{BASE_URL}/r/AMY01"))

    assert poster.size == (750, 1334)
    assert poster.getpixel((5, 5)) == drawing.NO_IMAGE_FILL
    assert poster.getpixel((744, 694)) == drawing.NO_IMAGE_FILL


def test_a_transparent_product_image_is_shown_on_white():
    clear = io.BytesIO()
    Image.new("RGBA", (300, 300), (0, 0, 0, 0)).save(clear, format="PNG")

    poster = as_image(render_poster(replace(SERUM, image=clear.getvalue()), "AMY01", BASE_URL))

    # Transparent pixels hold black in their colour channels; dropping alpha would show that.
    assert poster.getpixel((375, 350)) == drawing.BACKGROUND


def test_a_name_too_long_for_three_lines_ends_in_an_ellipsis():
    draw = ImageDraw.Draw(Image.new("RGB", drawing.POSTER_SIZE))
    font = fonts.sized_font(drawing.NAME_FONT_SIZE)
    width = 670

    lines = drawing.wrap_text(draw, "Serum " * 60, font, width)

    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= width for line in lines)


def test_chinese_names_wrap_between_characters_without_losing_any():
    draw = ImageDraw.Draw(Image.new("RGB", drawing.POSTER_SIZE))
    font = fonts.sized_font(drawing.NAME_FONT_SIZE)
    name = "玻尿酸精华液补水保湿修护肌肤屏障"

    lines = drawing.wrap_text(draw, name, font, 300, max_lines=10)

    assert len(lines) > 1
    assert "".join(lines) == name


def test_an_unloadable_configured_font_still_gives_a_poster(settings, tmp_path):
    settings.WFX_POSTER_FONT = str(tmp_path / "missing.ttf")

    poster = as_image(render_poster(SERUM, "AMY01", f"{BASE_URL}/r/AMY01"))

    assert poster.size == (750, 1334)
    assert fonts.poster_font().path != settings.WFX_POSTER_FONT


def test_a_poster_is_drawn_once_and_then_served_from_storage(
    shop, amy, poster_storage, monkeypatch
):
    shop.add_product(SERUM)

    first = get_or_create_poster(amy, "72", "default-channel", BASE_URL)

    assert first.created is True
    assert len(first.key) == 32 and int(first.key, 16) >= 0
    assert first.path == f"/posters/{first.key}.png"
    assert stored_posters(poster_storage) == [f"{first.key}.png"]
    png = open_poster(first.key)
    assert png == (poster_storage / f"{first.key}.png").read_bytes()
    read, expected = qr_in_poster(as_image(png), f"{BASE_URL}/r/AMY01?next=/products/serum")
    assert read == expected

    def must_not_draw(*args, **kwargs):
        raise AssertionError("a stored poster was drawn again")

    monkeypatch.setattr(posters, "render_poster", must_not_draw)
    second = get_or_create_poster(amy, "72", "default-channel", BASE_URL)

    assert second == replace(first, created=False)
    assert stored_posters(poster_storage) == [f"{first.key}.png"]


def test_a_new_price_gives_a_new_poster_and_keeps_the_old_one(shop, amy, poster_storage):
    shop.add_product(SERUM)
    before = get_or_create_poster(amy, "72", None, BASE_URL)
    shop.add_product(replace(SERUM, price=Money(Decimal("259.00"), "CNY"), version="v2"))

    after = get_or_create_poster(amy, "72", None, BASE_URL)

    assert after.created is True
    assert after.key != before.key
    assert stored_posters(poster_storage) == sorted([f"{before.key}.png", f"{after.key}.png"])
    assert open_poster(before.key) != open_poster(after.key)


def test_each_distributor_and_channel_gets_their_own_poster(shop, amy):
    bob = create_distributor(code="BOB02", email="bob@example.com")
    shop.add_product(SERUM)

    keys = {
        get_or_create_poster(amy, "72", "default-channel", BASE_URL).key,
        get_or_create_poster(bob, "72", "default-channel", BASE_URL).key,
        get_or_create_poster(amy, "72", "channel-usd", BASE_URL).key,
    }

    assert len(keys) == 3


def test_a_poster_stored_meanwhile_by_a_concurrent_request_is_kept_once(
    shop, amy, poster_storage, monkeypatch
):
    shop.add_product(SERUM)
    first = get_or_create_poster(amy, "72", None, BASE_URL)
    real_storage = posters.private_storage()

    class StorageSeenBeforeTheOtherRequestSaved:
        """Answers "not there yet" once, as it would have just before the other save."""

        answered = False

        def exists(self, name):
            if not self.answered:
                self.answered = True
                return False
            return real_storage.exists(name)

        def __getattr__(self, attribute):
            return getattr(real_storage, attribute)

    monkeypatch.setattr(posters, "private_storage", StorageSeenBeforeTheOtherRequestSaved)

    again = get_or_create_poster(amy, "72", None, BASE_URL)

    assert again.key == first.key
    assert stored_posters(poster_storage) == [f"{first.key}.png"]


def test_an_image_less_product_gets_a_poster(shop, amy):
    shop.add_product(replace(SERUM, image=None, price=None))

    result = get_or_create_poster(amy, "72", None, BASE_URL)

    assert as_image(open_poster(result.key)).size == (750, 1334)


def test_a_corrupt_product_image_still_gets_a_poster(shop, amy):
    shop.add_product(replace(SERUM, image=b"\xff\xd8\xff\xe0 broken jpeg"))

    result = get_or_create_poster(amy, "72", None, BASE_URL)

    poster = as_image(open_poster(result.key))
    assert poster.getpixel((5, 5)) == drawing.NO_IMAGE_FILL


def test_a_product_slug_too_long_for_a_readable_qr_code_links_to_the_storefront(shop, amy):
    shop.add_product(replace(SERUM, path="/products/" + "精华" * 60))

    result = get_or_create_poster(amy, "72", None, BASE_URL)

    read, expected = qr_in_poster(as_image(open_poster(result.key)), f"{BASE_URL}/r/AMY01")
    assert read == expected


def test_an_unknown_product_is_refused_and_nothing_is_stored(amy, poster_storage):
    with pytest.raises(DistributorError) as error:
        get_or_create_poster(amy, "404", None, BASE_URL)

    assert (error.value.code, error.value.field) == ("product_not_found", "productId")
    assert stored_posters(poster_storage) == []


@pytest.mark.parametrize(
    "status",
    [DistributorStatus.SUSPENDED, DistributorStatus.PENDING, DistributorStatus.REJECTED],
)
def test_only_an_active_distributor_gets_posters(shop, poster_storage, status):
    shop.add_product(SERUM)
    distributor = create_distributor(code="SUS01", status=status)

    with pytest.raises(DistributorError) as error:
        get_or_create_poster(distributor, "72", None, BASE_URL)

    assert error.value.code == "inactive_distributor"
    assert stored_posters(poster_storage) == []


def test_a_poster_never_stored_is_not_found():
    assert open_poster("0" * 32) is None


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../secret",
        "../../secret.png",
        "0" * 31,
        "0" * 33,
        "A" * 32,
        "g" * 32,
        "0" * 32 + "/../../secret",
        "/" + "0" * 31,
        "0" * 32 + "\n",
        "%2e%2e%2fsecret" + "0" * 17,
        None,
    ],
)
def test_odd_keys_are_refused_before_the_storage_is_touched(monkeypatch, tmp_path, key):
    (tmp_path / "secret.png").write_bytes(b"staff only")

    def storage_touched():
        raise AssertionError("the storage was opened for a malformed key")

    monkeypatch.setattr(posters, "private_storage", storage_touched)

    assert open_poster(key) is None
