"""Reading PDFs back in tests: their text (pypdf) and the fonts they embed."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace removed, so wrapped lines and cells still match."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join((page.extract_text() or "").split()) for page in reader.pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def fonts(content: bytes) -> dict[str, bool]:
    """Every font the pages use (subset prefix removed) and whether its program is embedded."""
    reader = PdfReader(io.BytesIO(content))
    found = {}
    for page in reader.pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            found[name] = any(key in descriptor for key in ("/FontFile", "/FontFile2"))
    return found
