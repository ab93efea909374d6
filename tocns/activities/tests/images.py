"""Real image files for the photo tests, made with Pillow (no fixtures on disk)."""

import io

from PIL import Image


def jpeg_bytes(*, size=(640, 480), gps=False, orientation=None) -> bytes:
    image = Image.new("RGB", size, (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    if orientation:
        exif[0x0112] = orientation
    if gps:
        # GPSInfo IFD: latitude 22°29' N, longitude 103°58' E (Lào Cai)
        exif[0x8825] = {1: "N", 2: (22.0, 29.0, 0.0), 3: "E", 4: (103.0, 58.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 10, 10, 128)).save(out, format="PNG")
    return out.getvalue()
