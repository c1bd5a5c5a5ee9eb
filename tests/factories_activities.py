"""factory_boy factories for branch activities and their evidence."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from partybuild.activities.models import Activity, ActivityEvidence

from .factories import BranchFactory

# The smallest valid PNG: its leading bytes are what the evidence check looks at.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    branch = factory.SubFactory(BranchFactory)
    date = date(2025, 5, 20)
    kind = Activity.Kind.THEME_DAY
    title = factory.Sequence(lambda n: f"主题党日活动第{n}期")
    attendees = 12
    description = "学习党的二十大精神，交流心得体会。"
    school_branch = None


class ActivityEvidenceFactory(DjangoModelFactory):
    class Meta:
        model = ActivityEvidence

    activity = factory.SubFactory(ActivityFactory)
    file = factory.django.FileField(data=PNG_BYTES, filename="photo.png")
    original_name = "活动照片.png"
    content_type = "image/png"
    size = len(PNG_BYTES)
