"""The upload form of the import pages."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from .readers import MAX_IMPORT_BYTES

# The reader tells the format by the file's first bytes (an .xls that is really XLSX is
# fine); the name only keeps out files that are plainly something else (a PDF, a photo).
ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".txt", ".tsv")


class UploadForm(forms.Form):
    # Empty files pass here so that the reader explains what the file should contain.
    file = forms.FileField(
        label=gettext_lazy("选择文件（CSV、XLSX 或 XLS）"), allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls,.txt"}),
        error_messages={"required": gettext_lazy("请选择要导入的文件。")})

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # Checked before reading: Django has streamed a large upload to disk, not to memory.
        if uploaded.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                gettext("文件“%(name)s”超过 %(limit)s MB，请拆分成多个文件分批导入。")
                % {"name": uploaded.name, "limit": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        if not uploaded.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(
                gettext("文件“%(name)s”不是 CSV 或 XLSX 文件（也不是 XLS）："
                        "请从 Excel/WPS 另存为 XLSX 或 CSV 后上传。")
                % {"name": uploaded.name}
            )
        return uploaded

    def read(self) -> bytes:
        """The uploaded bytes (at most MAX_IMPORT_BYTES, checked in clean_file)."""
        return b"".join(self.cleaned_data["file"].chunks())
