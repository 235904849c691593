"""The signature image's format and size in pixels, read from its bytes.

Typst reads the images of the JSON data as SVG text, so a PNG or a JPEG is wrapped in an SVG
of its own size; the size is read here from the file's header, without an imaging library.
"""

from __future__ import annotations

import struct

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# The JPEG markers that start a frame and carry its size (SOF0–SOF15, except DHT, JPG, DAC).
JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class UnreadableImage(ValueError):
    """Bytes that claim a format but whose size cannot be read: a truncated or forged file."""


def png_size(data: bytes) -> tuple[int, int]:
    if not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR" or len(data) < 24:
        raise UnreadableImage("PNG")
    width, height = struct.unpack(">II", data[16:24])
    return _checked(width, height, "PNG")


def jpeg_size(data: bytes) -> tuple[int, int]:
    if not data.startswith(JPEG_MAGIC):
        raise UnreadableImage("JPEG")
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise UnreadableImage("JPEG")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in JPEG_FRAMES:
            if position + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return _checked(width, height, "JPEG")
        position += 2 + length
    raise UnreadableImage("JPEG")


def _checked(width: int, height: int, kind: str) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        raise UnreadableImage(kind)
    return width, height
