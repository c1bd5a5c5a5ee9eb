"""The import pages: choose a kind, upload, read the dry run, confirm.

Uploading only validates (run_import with dry_run=True). A valid file waits in a private
pending file (pending.py) until the user confirms; confirming validates the same bytes again,
because the records may have changed meanwhile, and writes them all or nothing.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from partybuild.audit.services import audit_import

from .engine import ImportKind, ImportResult, run_import
from .forms import UploadForm
from .kinds import KINDS
from .pending import pending_discard, pending_save, pending_take
from .readers import MAX_IMPORT_BYTES
from .templates_xlsx import column_help, template_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The table of problems stops here; the copyable text below it always lists every one.
ERROR_TABLE_LIMIT = 1000


def structure_editor_required(view):
    """Committee staff and administrators only; everyone else signed in gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(request.user, "can_edit_structure", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def kind_or_404(name: str) -> type[ImportKind]:
    try:
        return KINDS[name]
    except KeyError:
        raise Http404 from None


def render_page(request, template: str, context: dict):
    """Render an import page; every one carries an upload form, which checks the size first."""
    limits = {"max_bytes": MAX_IMPORT_BYTES, "max_megabytes": MAX_IMPORT_BYTES // (1024 * 1024)}
    return render(request, template, {**limits, **context})


def kind_entry(kind_class: type[ImportKind]) -> dict:
    return {"name": kind_class.name, "label": kind_class.label,
            "columns": column_help(kind_class)}


@structure_editor_required
def index(request):
    kinds = [kind_entry(kind_class) for kind_class in KINDS.values()]
    return render_page(request, "imports/index.html", {"kinds": kinds, "form": UploadForm()})


@structure_editor_required
def template_download(request, kind):
    kind_class = kind_or_404(kind)
    response = HttpResponse(template_workbook(kind_class), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind_class.name}.xlsx"'
    return response


@structure_editor_required
def upload(request, kind):
    kind_class = kind_or_404(kind)
    if request.method != "POST":
        return render_page(request, "imports/upload.html", {"kind": kind_entry(kind_class),
                                                            "form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_page(request, "imports/upload.html", {"kind": kind_entry(kind_class),
                                                            "form": form})
    filename = form.cleaned_data["file"].name
    data = form.read()
    result = run_import(kind_class, data, filename, user=request.user, dry_run=True)
    token = None
    if result.ok and (result.created or result.updated):
        token = pending_save(session=request.session, user=request.user, kind=kind_class.name,
                             filename=filename, data=data)
    return render_result(request, kind_class, filename, result, token=token)


@require_POST
@structure_editor_required
def confirm(request):
    pending = pending_take(session=request.session, user=request.user,
                           token=request.POST.get("token", ""))
    if pending is None or pending.kind not in KINDS:
        messages.error(request, gettext(
            "这次导入已失效（已确认、已取消或超过一天），请重新上传文件。"))
        return redirect("imports:index")
    kind_class = KINDS[pending.kind]
    result = run_import(kind_class, pending.data, pending.filename, user=request.user)
    audit_import(request, pending.filename, pending.data, result)
    return render_result(request, kind_class, pending.filename, result, done=result.ok)


@require_POST
@structure_editor_required
def cancel(request):
    pending_discard(session=request.session, user=request.user,
                    token=request.POST.get("token", ""))
    messages.info(request, gettext("已取消导入，没有写入任何数据。"))
    return redirect("imports:index")


def error_line(error) -> str:
    """One problem as the web page words it (the command line prints `row N, column C: ...`)."""
    return gettext("第 %(row)s 行，列“%(column)s”：%(message)s") % {
        "row": error.row, "column": error.column, "message": error.message}


def render_result(request, kind_class, filename: str, result: ImportResult, *, token=None,
                  done=False):
    context = {
        "kind": kind_entry(kind_class),
        "filename": filename,
        "result": result,
        "token": token,
        "done": done,
        "errors_shown": result.errors[:ERROR_TABLE_LIMIT],
        "errors_hidden": max(len(result.errors) - ERROR_TABLE_LIMIT, 0),
        "error_text": "\n".join(error_line(error) for error in result.errors),
        "form": UploadForm(),
    }
    return render_page(request, "imports/result.html", context)
