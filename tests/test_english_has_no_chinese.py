"""In English, no page shows Chinese except the records' own data (issue 19).

Every role signs in, switches to English and opens every page the project has (the URL walk
of test_reading_never_writes, on the demo city). The Chinese a page may show is data: the
names, addresses, descriptions… stored in the database. So every text value stored in any
table (choice fields excepted: their labels are interface text and must be translated) is
removed from the page, and whatever Han character is left is an untranslated piece of the
interface, reported with its URL and its surroundings. Full-width punctuation outside data
(“Computed score：70.00”) is reported the same way.
"""

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client, override_settings
from django.utils import translation

from partybuild.imports.kinds import KINDS
from partybuild.imports.templates_xlsx import allowed_values
from tests.test_reading_never_writes import ROLES, build, urls

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FULL_WIDTH = re.compile(r"[：，（）。；]")
# Attribute values that are keys, not text: option values, links, data for scripts.
KEY_ATTRIBUTES = re.compile(r'\s(?:value|href|action|src|name|id|for|data-[\w-]+)="[^"]*"')
# The language switch names each language in itself (简体中文), as every site does.
LANGUAGE_NAME = '<option value="zh-hans">简体中文</option>'
SNIPPET = 30


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("english-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            data = build()
            data["data_pattern"] = data_pattern()
            data["import_pattern"] = data_pattern(import_contract())
            yield data
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def restore_language():
    before = translation.get_language()
    yield
    translation.activate(before)


def import_contract() -> set[str]:
    """What FORMATS.md fixes in Chinese: the import files' column names, their allowed
    values and the date forms they accept. The import pages list them as they must be typed."""
    values = {"2023年3月5日", "是", "否"}
    for kind in KINDS.values():
        for column in kind.columns:
            values.add(column.label)
            values.update(allowed_values(column))
    return values


def data_pattern(extra=()) -> re.Pattern:
    """One pattern matching every text value stored in the database that contains Chinese,
    longest first (so a name is removed whole before a shorter name inside it)."""
    values = set(extra)
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                if isinstance(value, str) and HAN.search(value):
                    values.add(value.strip())
                    # Long texts are shown cut short (…) or line by line.
                    values.update(part.strip() for part in value.splitlines() if part.strip())
    ordered = sorted((value for value in values if value), key=len, reverse=True)
    return re.compile("|".join(re.escape(value) for value in ordered))


def offending(page: str, pattern: re.Pattern) -> list[str]:
    """The Chinese (or full-width punctuation) left on a page once its data is removed."""
    text = page.replace(LANGUAGE_NAME, "")
    text = KEY_ATTRIBUTES.sub(" ", text)
    text = html.unescape(text)
    text = pattern.sub(" ", text)
    found = []
    runs = f"(?:{HAN.pattern}|{FULL_WIDTH.pattern})+"
    for match in re.finditer(runs, text):
        found.append(re.sub(r"\s+", " ", text[max(0, match.start() - SNIPPET):
                                              match.end() + SNIPPET]))
    return found


def english_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_in_english_shows_chinese_only_in_data(demo, role):
    client = english_client(demo["users"][role])
    problems = {}
    for url in urls(demo):
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = response.content.decode()
        assert '<html lang="en"' in page or "<html" not in page, url
        pattern = demo["import_pattern" if url.startswith("/imports/") else "data_pattern"]
        for snippet in offending(page, pattern):
            # The same piece of a shared template is reported once, at its first page.
            problems.setdefault(re.sub(r"\d+", "0", snippet), f"{url}: …{snippet}…")
    assert not problems, (f"{len(problems)} untranslated snippets:\n"
                          + "\n".join(problems.values()))


def test_the_check_finds_untranslated_text_and_ignores_data():
    pattern = re.compile("益阳市阳光培训学校")
    page = "<p>Institution: 益阳市阳光培训学校</p><p>计算得分：70.00</p>"
    problems = offending(page, pattern)
    assert problems and all("计算得分" in problem for problem in problems)
    assert not any("阳光" in problem for problem in problems)
