"""End-to-end journeys in headless Chromium against pytest-django's live server.

The browser is Debian's `chromium` (scripts/install-e2e-deps.sh installs it), driven by
Playwright's sync API; Playwright's own browser downloads are never used. Without the
browser the journeys skip, unless PARTYBUILD_E2E_REQUIRED=1 (CI), where that is a failure.

Environment:
  PARTYBUILD_CHROMIUM         the browser (unset: /usr/bin/chromium, else `chromium` on PATH)
  PARTYBUILD_E2E_REQUIRED     1: a missing browser fails the journeys instead of skipping them
  PARTYBUILD_E2E_SCREENSHOTS  where each journey's NN-step.png go, one folder per test
                              (default var/e2e-screenshots, which git ignores)
"""

import importlib
import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the journeys then skip, or fail under PARTYBUILD_E2E_REQUIRED=1
    expect = sync_playwright = None

# Playwright's sync API keeps an event loop running in the main thread; Django then refuses
# ORM calls from that thread (set-up and assertions in the test body) unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "scripts/install-e2e-deps.sh installs the browser and the Chinese font"
PASSWORD = "correct-horse-battery"  # the password of tests.factories.UserFactory
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# Without the background-networking flags Chromium keeps trying to reach Google's services
# over the closed network and misbehaves.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def chromium_path() -> str | None:
    """The Chromium to drive: PARTYBUILD_CHROMIUM when set, else /usr/bin/chromium, else
    `chromium` on PATH; None when there is none."""
    configured = os.environ.get("PARTYBUILD_CHROMIUM")
    if configured:
        return configured if _executable(configured) else None
    return DEFAULT_CHROMIUM if _executable(DEFAULT_CHROMIUM) else shutil.which("chromium")


def missing_browser() -> str | None:
    """Why the journeys cannot run here, or None when they can."""
    if sync_playwright is None:
        return "the playwright Python package is not installed"
    if chromium_path() is None:
        where = os.environ.get("PARTYBUILD_CHROMIUM") or f"{DEFAULT_CHROMIUM} nor on PATH"
        return f"Chromium is not installed (not at {where})"
    return None


def e2e_required() -> bool:
    return os.environ.get("PARTYBUILD_E2E_REQUIRED", "") == "1"


def pytest_collection_modifyitems(config, items):
    """Without a browser the journeys skip before any database is set up for them; where the
    browser is required (CI) they run, and the browser fixture fails them."""
    reason = missing_browser()
    if reason is None or e2e_required():
        return
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=f"{reason}; {INSTALL_HINT}"))


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the journeys."""
    reason = missing_browser()
    if reason is not None:
        pytest.fail(f"{reason}, and PARTYBUILD_E2E_REQUIRED=1 says the journeys must run; "
                    f"{INSTALL_HINT}", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def migration_data(transactional_db):
    """Put back what data migrations create: a live-server test starts on a flushed database
    once an earlier transactional test has run, and flush removes migration-made rows."""
    cadence = importlib.import_module("partybuild.activities.migrations.0002_default_cadence_rules")
    cadence.create_default_rules(apps, None)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Uploaded evidence goes to a throw-away folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Screenshots:
    """Numbered full-page screenshots of one journey: 01-login.png, 02-my-month.png, …"""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def take(self, page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screenshots(request) -> Screenshots:
    root = os.environ.get("PARTYBUILD_E2E_SCREENSHOTS")
    root = Path(root) if root else Path(settings.BASE_DIR) / "var" / "e2e-screenshots"
    return Screenshots(root / re.sub(r"[^\w.-]+", "_", request.node.name))


@pytest.fixture
def open_page(browser, live_server):
    """Open a page on the live server in a fresh browser context (PHONE or DESKTOP).

    Script errors and failed requests (a missing stylesheet, a server error) are easy to miss
    on a page that still renders; any of them fails the journey at the end.
    """
    contexts, problems = [], []
    # (status, path) pairs a journey expects, e.g. the outbox's 400 for a refused visit.
    expected = []

    def failed(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            if any(response.status == status and response.url.endswith(path)
                   for status, path in expected):
                return
            problems.append(f"{response.status} {response.url}")

    def open_(device: dict):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", **device)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("response", failed)
        return page

    open_.expect_failure = lambda status, path: expected.append((status, path))
    yield open_
    for context in contexts:
        context.close()
    assert not problems, problems


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form, the way a person does."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def assert_fits_width(page, width: int = 375) -> None:
    """Nothing on the page sticks out to the right, so it never scrolls sideways."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide in a {width}px viewport"


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A small, valid PNG (a red square), built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" + b"\xb3\x26\x1e" * width  # filter byte, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))
