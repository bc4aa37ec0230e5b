"""ID document photos are stored without the metadata a phone writes into them: where the photo
was taken (EXIF GPS), when, and with which device."""

import io

import pytest
from PIL import Image

from saleor_wfx_plugin.services.applications import DocumentUpload, apply

from .test_applications import AMY, OPEN, error_of, private_root  # noqa: F401 (autouse fixture: private storage)

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def _photo_taken_in_shanghai(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 20), (10, 120, 200))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    # 31°13'N 121°28'E: the People's Square, where the applicant lives.
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 13.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _stored(application) -> Image.Image:
    document = application.documents.get()
    with document.file.open("rb") as stored:
        return Image.open(io.BytesIO(stored.read()))


def test_the_gps_position_of_an_id_photo_is_not_stored():
    sent = _photo_taken_in_shanghai()
    assert GPS_IFD in Image.open(io.BytesIO(sent)).getexif()  # the test photo does carry it

    application = apply(
        AMY, phone="13812345678", documents=[DocumentUpload("id_card", sent)], program=OPEN
    )

    stored = _stored(application)
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert b"PhoneMaker" not in application.documents.get().file.open("rb").read()
    assert stored.size == (40, 20)


def test_a_photo_taken_sideways_is_stored_upright():
    # Orientation 6: the camera was turned; viewers rotate by 90°. Without EXIF the pixels must.
    sent = _photo_taken_in_shanghai(orientation=6)

    application = apply(
        AMY, phone="13812345678", documents=[DocumentUpload("id_card", sent)], program=OPEN
    )

    assert _stored(application).size == (20, 40)


def test_a_photo_that_cannot_be_decoded_is_refused():
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)

    assert error_of(
        lambda: apply(
            AMY, phone="13812345678", documents=[DocumentUpload("id_card", broken)], program=OPEN
        )
    ) == ("invalid_document_type", "documents")
