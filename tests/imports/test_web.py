"""The web import pages: who may open them, the dry run, the confirmation and the messages
for files that cannot be read."""

import io
import os
import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from partybuild.imports import pending
from partybuild.imports.kinds import KINDS
from partybuild.imports.readers import MAX_IMPORT_BYTES
from partybuild.organisation.models import Coverage, Institution
from tests.factories import InstitutionFactory

from .conftest import CODE, csv_bytes, xlsx_bytes

INSTITUTION_HEADER = ["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期"]
INDEX = reverse("imports:index")
CONFIRM = reverse("imports:confirm")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def institutions_file(*rows, name="institutions.csv"):
    data = csv_bytes([INSTITUTION_HEADER, *rows])
    return SimpleUploadedFile(name, data, content_type="text/csv")


def new_institution(n, region="430903", name=None):
    return [name or f"赫山区第{n}培训学校", CODE[n], "文化艺术", "有照有证", region, "2021-03-05"]


def upload(client, kind, file):
    return client.post(reverse("imports:upload", args=[kind]), {"file": file})


def pending_files(media):
    folder = media / "imports-pending"
    return sorted(folder.iterdir()) if folder.exists() else []


# Who may open the pages -----------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "dave"])
def test_staff_and_administrators_see_every_kind_with_a_template_and_an_upload_form(
        db, client, request, user):
    client.force_login(request.getfixturevalue(user))

    response = client.get(INDEX)

    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(f'id="kind-{name}"') for name in KINDS]
    assert positions == sorted(positions), "kinds are listed in dependency order"
    for name, kind_class in KINDS.items():
        assert kind_class.label in page
        assert reverse("imports:template", args=[name]) in page
        assert reverse("imports:upload", args=[name]) in page
    assert 'accept=".csv,.xlsx,.xls,.txt"' in page
    assert "统一社会信用代码" in page


@pytest.mark.parametrize("user", ["bob", "carol"])
def test_instructors_and_reviewers_may_not_import(client, request, user, county_a):
    client.force_login(request.getfixturevalue(user))

    assert client.get(INDEX).status_code == 403
    assert client.get(reverse("imports:template", args=["institutions"])).status_code == 403
    response = upload(client, "institutions", institutions_file(new_institution(1)))
    assert response.status_code == 403
    assert not Institution.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (INDEX, reverse("imports:template", args=["institutions"]),
                reverse("imports:upload", args=["institutions"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_unknown_kind_is_not_found(client, alice):
    client.force_login(alice)

    assert client.get(reverse("imports:upload", args=["salaries"])).status_code == 404
    assert client.get(reverse("imports:template", args=["salaries"])).status_code == 404


def test_the_navigation_offers_the_import_page_to_staff_only(client, alice, carol):
    client.force_login(alice)
    assert INDEX in client.get(reverse("home")).content.decode()

    client.force_login(carol)
    assert INDEX not in client.get(reverse("home")).content.decode()


# Templates --------------------------------------------------------------------------------


def test_a_template_downloads_as_an_xlsx_workbook_with_two_sheets(client, alice):
    client.force_login(alice)

    response = client.get(reverse("imports:template", args=["institutions"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert 'filename="institutions.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 2
    assert workbook.sheetnames[1] == "填写说明"
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert headers[:3] == ["序号", "机构名称", "统一社会信用代码"]


# Dry run and confirmation ------------------------------------------------------------------


def test_uploading_shows_what_would_change_and_writes_nothing(client, alice, county, private_media):
    client.force_login(alice)
    renamed = new_institution(1, name="赫山区明德教育培训学校")

    response = upload(client, "institutions",
                      institutions_file(new_institution(5), new_institution(6), renamed))

    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert response.context["result"].updated == 1
    page = response.content.decode()
    assert "将新增" in page and "将更新" in page and "确认导入" in page
    assert Institution.objects.count() == 5
    assert Institution.objects.get(credit_code=CODE[1]).name == "赫山区明德培训学校"
    assert len(pending_files(private_media)) == 1


def test_confirming_imports_the_file_and_removes_the_pending_copy(client, alice, county,
                                                                 private_media):
    client.force_login(alice)
    renamed = new_institution(1, name="赫山区明德教育培训学校")
    dry_run = upload(client, "institutions",
                     institutions_file(new_institution(5), new_institution(6), renamed))

    response = client.post(CONFIRM, {"token": dry_run.context["token"]})

    assert response.status_code == 200
    assert response.context["done"]
    assert "新增 2 条，更新 1 条" in response.content.decode()
    assert Institution.objects.count() == 7
    assert Institution.objects.get(credit_code=CODE[5]).region.code == "430903"
    assert Institution.objects.get(credit_code=CODE[1]).name == "赫山区明德教育培训学校"
    assert pending_files(private_media) == []


def test_confirming_twice_imports_once(client, alice, county):
    client.force_login(alice)
    token = upload(client, "institutions",
                   institutions_file(new_institution(5))).context["token"]
    client.post(CONFIRM, {"token": token})

    response = client.post(CONFIRM, {"token": token}, follow=True)

    assert "已失效" in response.content.decode()
    assert Institution.objects.filter(credit_code=CODE[5]).count() == 1


def test_an_xlsx_upload_with_date_cells_imports_too(client, alice, county):
    client.force_login(alice)
    rows = [INSTITUTION_HEADER,
            ["赫山区新苗科技培训中心", CODE[7], "科技", "有照无证", "430903", date(2022, 9, 1)]]
    file = SimpleUploadedFile("机构.xlsx", xlsx_bytes(rows))

    token = upload(client, "institutions", file).context["token"]
    client.post(CONFIRM, {"token": token})

    assert Institution.objects.get(credit_code=CODE[7]).opened_on == date(2022, 9, 1)


def test_confirmation_validates_again_against_what_changed_meanwhile(client, alice, county,
                                                                     county_b):
    client.force_login(alice)
    token = upload(client, "institutions",
                   institutions_file(new_institution(5))).context["token"]
    # Meanwhile the same credit code was registered in another county.
    InstitutionFactory(credit_code=CODE[5], region=county_b, name="资阳区同码机构")

    response = client.post(CONFIRM, {"token": token})

    assert response.status_code == 200
    assert not response.context["done"]
    assert response.context["result"].errors
    assert Institution.objects.get(credit_code=CODE[5]).name == "资阳区同码机构"


def test_cancelling_removes_the_pending_file_and_writes_nothing(client, alice, county,
                                                                private_media):
    client.force_login(alice)
    token = upload(client, "institutions",
                   institutions_file(new_institution(5))).context["token"]

    client.post(reverse("imports:cancel"), {"token": token})

    assert pending_files(private_media) == []
    assert client.post(CONFIRM, {"token": token}).status_code == 302
    assert not Institution.objects.filter(credit_code=CODE[5]).exists()


def test_another_users_token_is_refused(client, alice, dave, county, private_media):
    client.force_login(alice)
    token = upload(client, "institutions",
                   institutions_file(new_institution(5))).context["token"]

    other = type(client)()
    other.force_login(dave)
    response = other.post(CONFIRM, {"token": token}, follow=True)

    assert "已失效" in response.content.decode()
    assert not Institution.objects.filter(credit_code=CODE[5]).exists()
    assert len(pending_files(private_media)) == 1, "alice may still confirm her own upload"
    client.post(CONFIRM, {"token": token})
    assert Institution.objects.filter(credit_code=CODE[5]).exists()


def test_a_token_kept_in_the_session_of_another_user_is_refused(client, alice, eve, county):
    client.force_login(alice)
    token = upload(client, "institutions",
                   institutions_file(new_institution(5))).context["token"]
    # Someone else signs in on the same browser: Django keeps nothing of alice's session,
    # and the entry names alice anyway.
    session = client.session
    entry = session[pending.SESSION_KEY][token]
    client.force_login(eve)
    session = client.session
    session[pending.SESSION_KEY] = {token: entry}
    session.save()

    client.post(CONFIRM, {"token": token})

    assert not Institution.objects.filter(credit_code=CODE[5]).exists()


def test_uploading_an_imported_file_again_changes_nothing_and_offers_no_confirmation(
        client, alice, county):
    client.force_login(alice)
    token = upload(client, "institutions",
                   institutions_file(new_institution(5))).context["token"]
    client.post(CONFIRM, {"token": token})

    response = upload(client, "institutions", institutions_file(new_institution(5)))

    assert response.context["result"].unchanged == 1
    assert response.context["result"].created == response.context["result"].updated == 0
    assert response.context["token"] is None
    assert "确认导入" not in response.content.decode()


def test_pending_files_older_than_a_day_are_removed_on_the_next_upload(client, alice, county,
                                                                      private_media):
    client.force_login(alice)
    upload(client, "institutions", institutions_file(new_institution(5)))
    [old] = pending_files(private_media)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    upload(client, "institutions", institutions_file(new_institution(6)))

    assert old not in pending_files(private_media)
    assert len(pending_files(private_media)) == 1


# Problems in the file ----------------------------------------------------------------------


def test_every_problem_is_listed_with_its_excel_row_and_nothing_is_written(client, alice,
                                                                          county):
    client.force_login(alice)
    bad_code = CODE[5][:-1] + ("0" if CODE[5][-1] != "0" else "1")
    file = institutions_file(
        new_institution(5),
        ["赫山区第六培训学校", bad_code, "文化艺术", "有照有证", "430903", "2021-03-05"],
        ["赫山区第七培训学校", CODE[7], "舞蹈", "有照有证", "430903", "2021-3-32"],
    )

    response = upload(client, "institutions", file)

    assert response.status_code == 200
    errors = response.context["result"].errors
    assert [(error.row, error.column) for error in errors] == [
        (3, "统一社会信用代码"), (4, "类别"), (4, "开办日期")]
    page = response.content.decode()
    assert "发现 3 个问题" in page
    assert "第 4 行，列“类别”：类别“舞蹈”不在可选值中" in page
    assert "<td>4</td><td>开办日期</td>" in page
    assert "确认导入" not in page
    assert not Institution.objects.filter(credit_code=CODE[5]).exists()


def test_a_row_for_another_county_is_an_error_for_a_county_user(client, alice, county):
    client.force_login(alice)

    response = upload(client, "institutions",
                      institutions_file(new_institution(5),
                                        new_institution(6, region="430902")))

    [error] = response.context["result"].errors
    assert error.row == 3
    assert error.column == "所属区划"
    assert "资阳区" in response.content.decode()
    assert "不在您管辖的范围内" in error.message
    assert not Institution.objects.filter(credit_code__in=[CODE[5], CODE[6]]).exists()


def test_coverage_of_another_countys_branch_is_refused_through_the_web(client, alice, county):
    client.force_login(alice)
    data = csv_bytes([["支部名称", "统一社会信用代码", "开始日期"],
                      ["资阳区第一联合党支部", CODE[1], "2022-01-01"]])

    response = upload(client, "coverage", SimpleUploadedFile("coverage.csv", data))

    [error] = response.context["result"].errors
    assert (error.row, error.column) == (2, "支部名称")
    assert not Coverage.objects.exists()


def test_an_unknown_header_is_reported_on_row_one(client, alice, county):
    client.force_login(alice)
    data = csv_bytes([INSTITUTION_HEADER + ["备注"], new_institution(5) + ["新开"]])

    response = upload(client, "institutions", SimpleUploadedFile("i.csv", data))

    [error] = response.context["result"].errors
    assert (error.row, error.column) == (1, "备注")
    assert "未知的列" in response.content.decode()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.csv", b"", "文件是空的"),
    ("header.csv", "机构名称,统一社会信用代码\r\n".encode(), "文件只有表头"),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "XLSX 文件已损坏"),
    ("junk.csv", bytes(range(256)) * 40, "无法识别文件的编码"),
    ("binary.csv", b"name,code\x00\r\n" * 100, "不是文本表格"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "XLS 文件无法读取"),
    ("gbk.csv", b"\xff\xfe\xfd" * 50, "无法识别文件的编码"),
])
def test_a_file_that_cannot_be_read_gets_a_clear_message_not_an_error_page(
        client, alice, name, data, message):
    client.force_login(alice)

    response = upload(client, "institutions", SimpleUploadedFile(name, data))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "确认导入" not in response.content.decode()


def test_megabytes_of_random_bytes_get_a_message(client, alice):
    client.force_login(alice)
    junk = os.urandom(5 * 1024 * 1024)

    for name in ("junk.csv", "junk.xlsx"):
        response = upload(client, "institutions", SimpleUploadedFile(name, junk))
        assert response.status_code == 200
        assert response.context["result"].file_error


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, alice, monkeypatch):
    client.force_login(alice)
    monkeypatch.setattr("partybuild.imports.forms.MAX_IMPORT_BYTES", 1024)

    response = upload(client, "institutions", SimpleUploadedFile("big.csv", b"x" * 2048))

    assert response.status_code == 200
    assert "超过" in response.content.decode()
    assert MAX_IMPORT_BYTES == 64 * 1024 * 1024


def test_a_file_of_another_type_is_refused_with_a_message(client, alice):
    client.force_login(alice)

    response = upload(client, "institutions",
                      SimpleUploadedFile("scan.pdf", b"%PDF-1.4 junk"))

    assert response.status_code == 200
    assert "不是 CSV 或 XLSX 文件" in response.content.decode()


def test_submitting_without_a_file_asks_for_one(client, alice):
    client.force_login(alice)

    response = client.post(reverse("imports:upload", args=["institutions"]))

    assert response.status_code == 200
    assert "请选择要导入的文件" in response.content.decode()


def test_the_upload_page_has_a_progress_indicator_and_works_without_javascript(client, alice):
    client.force_login(alice)

    page = client.get(reverse("imports:upload", args=["institutions"])).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert "<progress" in page
    assert "js/imports.js" in page


def test_the_upload_form_tells_the_browser_the_size_limit(client, alice):
    client.force_login(alice)

    page = client.get(INDEX).content.decode()

    assert f'data-max-bytes="{MAX_IMPORT_BYTES}"' in page
    assert "文件超过 64 MB" in page


def test_the_index_marks_required_columns(client, alice):
    client.force_login(alice)

    page = client.get(INDEX).content.decode()

    assert '机构名称<span class="required"' in page
    assert '地址<span class="required"' not in page
    assert "学科类、文化艺术、体育、科技" in page


def test_the_pending_copy_is_private_and_not_named_after_the_upload(client, alice, county,
                                                                   private_media):
    client.force_login(alice)

    token = upload(client, "institutions",
                   institutions_file(new_institution(5), name="../../机构.csv")).context["token"]

    [path] = pending_files(private_media)
    assert path.name == f"{token}.upload"
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_pending_file_changed_on_disk_is_refused(client, alice, county, private_media):
    client.force_login(alice)
    token = upload(client, "institutions",
                   institutions_file(new_institution(5))).context["token"]
    [path] = pending_files(private_media)
    path.write_bytes(csv_bytes([INSTITUTION_HEADER, new_institution(6)]))

    response = client.post(CONFIRM, {"token": token}, follow=True)

    assert "已失效" in response.content.decode()
    assert not Institution.objects.filter(credit_code__in=[CODE[5], CODE[6]]).exists()


def test_a_long_list_of_problems_is_capped_on_the_page_and_complete_in_the_download(
        client, alice, county):
    client.force_login(alice)
    rows = [[f"赫山区第{n}培训学校", CODE[5], "舞蹈", "有照有证", "430903", "2021-03-05"]
            for n in range(1200)]

    response = upload(client, "institutions", institutions_file(*rows))

    page = response.content.decode()
    assert len(response.context["result"].errors) == 1200
    assert page.count("</tr>") == 200 + 1
    assert "以及另外 1000 条问题" in page
    assert "第 201 行，列“类别”：类别“舞蹈”不在可选值中" in page
    assert "第 1201 行" not in page
    download = client.post(reverse("imports:errors"),
                           {"token": response.context["errors_token"]})
    assert download["Content-Disposition"].startswith("attachment")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 1200
    assert lines[-1] == ("institutions.csv,1201,类别,"
                         "类别“舞蹈”不在可选值中（学科类、文化艺术、体育、科技）")


def test_the_problem_list_of_another_user_cannot_be_downloaded(client, alice, eve, county):
    client.force_login(alice)
    rows = [["赫山区第1培训学校", CODE[5], "舞蹈", "有照有证", "430903", "2021-03-05"]]
    token = upload(client, "institutions", institutions_file(*rows)).context["errors_token"]
    client.force_login(eve)
    response = client.post(reverse("imports:errors"), {"token": token}, follow=True)
    assert "问题列表已失效" in response.content.decode()
