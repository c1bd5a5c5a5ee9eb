"""Evidence files (photos of a lesson, a sign-in sheet): JPEG, PNG or PDF, checked by content."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Leading bytes of each accepted type; the file name and the browser's claim are ignored.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


def sniff_evidence_type(head: bytes) -> tuple[str, str] | None:
    """The (content type, extension) the leading bytes prove, or None for anything else."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_evidence_upload(uploaded) -> tuple[str, str]:
    """Validate an uploaded file; return its real content type and extension."""
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过 10 MB，请压缩后再上传。"), params={"name": uploaded.name}
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    found = sniff_evidence_type(head)
    if found is None:
        raise ValidationError(
            _("文件“%(name)s”不是 JPEG、PNG 或 PDF 文件，不能作为佐证材料。"),
            params={"name": uploaded.name},
        )
    return found


def evidence_upload_to(instance, filename: str) -> str:
    # A random stored name: the user's file name is kept only as data, never as a path.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{instance._meta.app_label}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """An uploaded evidence file; concrete subclasses add the record it belongs to."""

    file = models.FileField(_("文件"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name
