"""Re-encoding: what a stored avatar looks like, whatever came in."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from media_service.domain.images import MAX_PIXELS, render, sniff
from pingcrm_common.errors import InvalidArgument
from tests.support.fake_cdn import photo, png_bomb


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_become_jpeg_in_two_sizes(image_format: str) -> None:
    renditions = render(photo(1000, 500, image_format=image_format))
    assert (renditions.width, renditions.height) == (400, 200)
    assert opened(renditions.standard).format == "JPEG"
    assert opened(renditions.thumb).size == (96, 96)


def test_small_images_are_never_enlarged_but_thumbnails_are_always_96_square() -> None:
    renditions = render(photo(50, 80))
    assert (renditions.width, renditions.height) == (50, 80)
    assert opened(renditions.thumb).size == (96, 96)


def test_transparent_parts_become_white() -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    pixel = opened(render(out.getvalue()).standard).convert("RGB").getpixel((5, 5))
    assert all(channel >= 250 for channel in pixel)


def test_exif_orientation_is_applied_then_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    renditions = render(photo(800, 400, exif=exif.tobytes()))
    assert (renditions.width, renditions.height) == (200, 400)
    assert dict(opened(renditions.standard).getexif()) == {}


def test_an_icc_profile_is_dropped() -> None:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert "icc_profile" not in opened(render(photo(icc_profile=profile)).standard).info


def test_the_same_pixels_give_the_same_name_whatever_the_metadata() -> None:
    plain = render(photo(seed=3))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    tagged = render(photo(seed=3, exif=exif.tobytes(), comment=b"hello"))
    assert tagged.sha256 == plain.sha256


def test_sniffing_reads_the_bytes_not_the_name() -> None:
    assert sniff(photo(image_format="PNG")) == "PNG"
    assert sniff(photo(image_format="WEBP")) == "WEBP"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert sniff(b"GIF89a") is None


@pytest.mark.parametrize(
    ("width", "height"),
    [(20_000, 20_000), (10_001, 10), (10, 10_001), (6_000, 5_000)],
)
def test_images_declaring_too_many_pixels_are_refused_before_decoding(width: int, height: int) -> None:
    assert width * height > MAX_PIXELS or max(width, height) > 10_000
    with pytest.raises(InvalidArgument) as raised:
        render(png_bomb(width, height))
    assert raised.value.code == "image_too_large"


def test_the_largest_accepted_image_is_decoded() -> None:
    assert render(png_bomb(5_000, 5_000)).width == 400
