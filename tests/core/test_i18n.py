"""The interface is Chinese by default and English for users who choose it."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.pages_data import build_county

HOME = reverse("home")
GAPS = reverse("coverage_gaps")
ENGLISH_PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def read_po(path):
    """Entries of a .po file as dicts of msgid, msgid_plural, msgstr[n] and flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            entry = None
            continue
        if line.startswith("#,"):
            entry = entry or {"flags": set()}
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            entry[key] += ast.literal_eval(line)
            continue
        keyword, quoted = line.split(" ", 1)
        if entry is None or keyword == "msgid":
            if entry is None or "msgid" in entry:
                entry = {"flags": set()}
            entries.append(entry)
        key = keyword
        entry[key] = ast.literal_eval(quoted)
    return [e for e in entries if e["msgid"]]


def translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(autouse=True)
def restore_language():
    # LocaleMiddleware leaves the request's language active in the thread; without this,
    # tests run later in the same process would see English.
    before = translation.get_language()
    yield
    translation.activate(before)


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


def test_the_home_page_is_chinese_when_no_language_was_chosen(client, alice):
    client.force_login(alice)
    page = client.get(HOME).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "党建工作概况" in page
    assert "覆盖缺口" in page
    assert "Coverage gaps" not in page


def test_the_language_cookie_turns_the_home_page_into_english(client, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(HOME).content.decode()
    assert '<html lang="en">' in page
    for english in ("Party-building overview", "Training institutions", "Branches",
                    "Coverage gaps", "Log out"):
        assert english in page
    for chinese in ("党建工作概况", "培训机构", "覆盖缺口", "退出"):
        assert chinese not in page


def test_choosing_english_in_the_header_switch_keeps_later_pages_english(client, alice):
    client.force_login(alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Party-building overview" in client.get(HOME).content.decode()


def test_the_gap_count_reads_as_an_english_plural(client, county, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(GAPS).content.decode()
    assert re.search(r"Today \(\d{4}-\d{2}-\d{2}\) there are 6 gaps\.", page)
    assert "Standalone branches with fewer than 3 full members" in page
    assert "缺口" not in page


def test_every_string_of_the_english_catalogue_is_translated():
    entries = read_po(ENGLISH_PO)
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not all(translations(e))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_every_english_translation_keeps_the_placeholders_of_its_source():
    # A missing or misspelt %(name)s would raise KeyError when the message is shown.
    wrong = [
        (e["msgid"], text)
        for e in read_po(ENGLISH_PO)
        for text in translations(e)
        if sorted(set(PLACEHOLDER.findall(e["msgid"]))) != sorted(set(PLACEHOLDER.findall(text)))
    ]
    assert wrong == []


SOURCE_ROOTS = ("partybuild", "templates")
# Literal strings marked for translation on one line: {% translate "…" %} in templates and
# _("…"), gettext("…"), gettext_lazy("…") in Python. Multi-line and blocktranslate messages
# are left to makemessages; this catches the common case of a string never extracted.
TEMPLATE_MARKED = re.compile(r"""\{%\s*translate\s+"((?:[^"\\]|\\.)*)"\s*(?:%\}|as\s|context\s)""")
PYTHON_MARKED = re.compile(
    r"""(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)*)"\s*[),]""")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_chinese_string_marked_for_translation_is_in_the_english_catalogue():
    known = {e["msgid"] for e in read_po(ENGLISH_PO)}
    base = Path(settings.BASE_DIR)
    missing = set()
    for root in SOURCE_ROOTS:
        for path in (base / root).rglob("*"):
            if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
                continue
            marked = TEMPLATE_MARKED if path.suffix == ".html" else PYTHON_MARKED
            for literal in marked.findall(path.read_text(encoding="utf-8")):
                text = ast.literal_eval(f'"{literal}"')
                if path.suffix == ".html":
                    # makemessages doubles a template's % signs in the msgid.
                    text = text.replace("%", "%%")
                if CJK.search(text) and text not in known:
                    missing.add(f"{path.relative_to(base)}: {text}")
    assert not missing, "run `make messages` and translate:\n" + "\n".join(sorted(missing))
