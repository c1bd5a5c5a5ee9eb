"""The import pages: choose a kind, upload, read the dry run, confirm.

Uploading only validates (run_import with dry_run=True). A valid file waits in a private
pending file (pending.py) until the user confirms; confirming validates the same bytes again,
because the records may have changed meanwhile, and writes them all or nothing.
"""

import csv
import io
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from partybuild.audit.services import audit_import
from partybuild.core.exports import csv_value

from .engine import ImportKind, ImportResult, run_import
from .forms import UploadForm
from .kinds import KINDS
from .pending import errors_load, errors_save, pending_discard, pending_save, pending_take
from .readers import MAX_IMPORT_BYTES
from .templates_xlsx import column_help, template_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The page lists this many problems ("以及另外 N 条"); the full list is a download, so that a
# hostile file with a problem on each of 300,000 rows makes no 100 MB page.
ERROR_TABLE_LIMIT = 200


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


def errors_csv(filename: str, result: ImportResult) -> bytes:
    """Every problem of the file as a CSV Excel opens (UTF-8 with BOM), cells neutralised."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow([gettext("文件"), gettext("行"), gettext("列"), gettext("问题")])
    for error in result.errors:
        writer.writerow([csv_value(filename), error.row, csv_value(error.column),
                         csv_value(error.message)])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


@require_POST
@structure_editor_required
def error_list(request):
    """Download the full problem list of an upload (the page shows the first ones)."""
    content = errors_load(session=request.session, user=request.user,
                          token=request.POST.get("token", ""))
    if content is None:
        messages.error(request, gettext("问题列表已失效（超过一天），请重新上传文件。"))
        return redirect("imports:index")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "import-problems.csv")
    return response


def render_result(request, kind_class, filename: str, result: ImportResult, *, token=None,
                  done=False):
    shown = result.errors[:ERROR_TABLE_LIMIT]
    hidden = len(result.errors) - len(shown)
    errors_token = None
    if result.errors:
        errors_token = errors_save(session=request.session, user=request.user,
                                   content=errors_csv(filename, result))
    context = {
        "kind": kind_entry(kind_class),
        "filename": filename,
        "result": result,
        "token": token,
        "done": done,
        "errors_shown": shown,
        "errors_hidden": hidden,
        "errors_token": errors_token,
        "error_text": "\n".join(error_line(error) for error in shown),
        "form": UploadForm(),
    }
    return render_page(request, "imports/result.html", context)
