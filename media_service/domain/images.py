"""Turning untrusted bytes into the two stored sizes of an avatar.

The bytes are sniffed (JPEG, PNG or WebP by their magic numbers, whatever a
server or file name claimed), their declared dimensions are checked before a
single pixel is decoded (decompression bombs), then the first frame is
decoded, turned upright by its EXIF orientation, flattened onto white and
re-encoded as JPEG in two sizes. Nothing of the original file survives but
its pixels: EXIF, XMP, ICC profiles and comments are dropped.

CPU-bound; callers run `render` in a worker thread.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from pingcrm_common.errors import InvalidArgument

STANDARD_SIDE = 400  # the standard size fits within 400 × 400, never enlarged
THUMB_SIDE = 96  # the thumbnail is 96 × 96, the centre cropped to a square
MAX_SIDE = 10_000  # declared width or height beyond this is refused before decoding
MAX_PIXELS = 25_000_000  # ... and so is a declared area beyond 25 megapixels (~100 MB decoded)
JPEG_QUALITY = 85
CONTENT_TYPE = "image/jpeg"

# Pillow's own bomb check only warns below twice its process-wide limit; this
# module enforces MAX_SIDE and MAX_PIXELS itself before decoding, so that
# global check is switched off rather than relied on.
Image.MAX_IMAGE_PIXELS = None

_SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("JPEG", b"\xff\xd8\xff", 0),
    ("PNG", b"\x89PNG\r\n\x1a\n", 0),
    ("WEBP", b"WEBP", 8),  # after "RIFF" and the chunk size
)


@dataclass(frozen=True)
class Renditions:
    """An avatar's stored sizes; `sha256` names it (the digest of the standard size)."""

    sha256: str
    standard: bytes
    thumb: bytes
    width: int
    height: int
    content_type: str = CONTENT_TYPE


def sniff(data: bytes) -> str | None:
    """The image format the bytes really are (JPEG, PNG, WEBP), or None."""
    for name, magic, offset in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic and (name != "WEBP" or data[:4] == b"RIFF"):
            return name
    return None


def render(data: bytes) -> Renditions:
    """Decode untrusted image bytes and re-encode them as the avatar's two sizes."""
    image_format = sniff(data)
    if image_format is None:
        raise InvalidArgument("the data is not a JPEG, PNG or WebP image", code="not_an_image")
    try:
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except Exception as error:  # a hostile header can make any decoder raise anything
        raise InvalidArgument(f"the {image_format} image cannot be read: {error}", code="not_an_image") from error
    with image:
        _refuse_bombs(image.size)
        if image_format == "JPEG":
            image.draft("RGB", (STANDARD_SIDE, STANDARD_SIDE))  # decode at the smallest scale still large enough
        try:
            upright = ImageOps.exif_transpose(image)
            opaque = _flatten(upright)
            opaque.info = {}  # the encoder would carry over what is left here (a JPEG's comment, for one)
        except Exception as error:
            raise InvalidArgument(
                f"the {image_format} image cannot be decoded: {error}", code="not_an_image"
            ) from error
    standard = opaque.copy()
    standard.thumbnail((STANDARD_SIDE, STANDARD_SIDE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(opaque, (THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    standard_bytes = _jpeg(standard)
    return Renditions(
        sha256=hashlib.sha256(standard_bytes).hexdigest(),
        standard=standard_bytes,
        thumb=_jpeg(thumb),
        width=standard.width,
        height=standard.height,
    )


def _refuse_bombs(size: tuple[int, int]) -> None:
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise InvalidArgument(
            f"the image declares {width} × {height} pixels; at most {MAX_SIDE} per side "
            f"and {MAX_PIXELS // 1_000_000} megapixels are accepted",
            code="image_too_large",
        )
    if width < 1 or height < 1:
        raise InvalidArgument("the image declares no pixels", code="not_an_image")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparent parts become white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # Only pixels: no exif=, icc_profile= or comment=, and the image's own info was emptied.
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
