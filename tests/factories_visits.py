"""factory_boy factories for visits, hazards and clues, and evidence files by their content."""

from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from partybuild.visits.models import Clue, Hazard, Visit

from .factories import InstitutionFactory, InstructorFactory

# Just enough of each format for the content check: the leading bytes are what count.
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
HTML_BYTES = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG_BYTES = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
             b"<script>alert(1)</script></svg>")


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    """A file as the browser would send it; the claimed type is deliberately not trusted."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def lesson_photo(name: str = "党课照片.jpg") -> SimpleUploadedFile:
    return upload(name, JPEG_BYTES, "image/jpeg")


def sign_in_sheet(name: str = "签到表.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    instructor = factory.SubFactory(InstructorFactory)
    institution = factory.SubFactory(InstitutionFactory)
    date = date(2026, 11, 2)
    lesson = True
    lesson_topic = "学习贯彻党的二十大精神"
    policy = False
    hazard_check = False
    ledger = False
    attendees = 12
    notes = "组织教职工集中学习。"


class HazardFactory(DjangoModelFactory):
    class Meta:
        model = Hazard

    institution = factory.SubFactory(InstitutionFactory)
    instructor = None
    found_on = date(2026, 11, 2)
    category = Hazard.Category.FIRE
    severity = Hazard.Severity.GENERAL
    description = factory.Sequence(lambda n: f"二楼消防通道堆放杂物（{n}）")
    deadline = date(2026, 11, 30)


class ClueFactory(DjangoModelFactory):
    class Meta:
        model = Clue

    institution = factory.SubFactory(InstitutionFactory)
    instructor = None
    date = date(2026, 11, 2)
    description = factory.Sequence(lambda n: f"疑似超范围招收学科类学员（{n}）")
