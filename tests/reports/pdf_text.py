"""Reading PDFs back in tests: their text (pypdf) and the fonts they embed."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace removed, so wrapped lines and cells still match."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join((page.extract_text() or "").split()) for page in reader.pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def embedded_fonts(content: bytes) -> set[str]:
    """Base names of the fonts whose program is embedded in the file (subset prefix removed)."""
    reader = PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
    return names
