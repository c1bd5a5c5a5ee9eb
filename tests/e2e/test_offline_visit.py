"""Visits that survive the field, on a 375-px phone in headless Chromium: the measured visit
(page loads, taps, typed fields), a visit saved offline and sent when the network returns,
a session that expired between filling and saving, and the same queued visit sent twice."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from partybuild.visits import services
from partybuild.visits.models import Hazard, HazardEvidence, Visit, VisitEvidence
from tests.factories import AssignmentFactory, InstitutionFactory

from .conftest import PHONE, assert_fits_width, expect, log_in

pytestmark = pytest.mark.e2e

try:
    from PIL import Image
except ImportError:  # pragma: no cover - Pillow comes with reportlab
    Image = None


def camera_photo(taken: str, size=(2400, 1800)) -> bytes:
    """A phone-camera-sized JPEG whose EXIF says when it was taken ("YYYY:MM:DD HH:MM:SS")."""
    image = Image.new("RGB", size)
    pixels = image.load()
    for x in range(0, size[0], 8):
        for y in range(0, size[1], 8):
            pixels[x, y] = (x % 256, y % 256, (x + y) % 256)
    exif = Image.Exif()
    exif[0x0132] = taken
    exif.get_ifd(0x8769)[0x9003] = taken
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


class Journey:
    """Counts what the instructor does: main-frame page loads, taps and typed fields."""

    def __init__(self, page):
        self.page = page
        self.loads: list[str] = []
        self.taps = 0
        self.typed = 0
        page.on("framenavigated",
                lambda frame: frame == page.main_frame and self.loads.append(frame.url))

    def reset(self, page_loads: int = 0):
        self.loads = self.loads[-page_loads:] if page_loads else []
        self.taps = self.typed = 0

    def tap(self, locator):
        self.taps += 1
        locator.tap()

    def type(self, locator, text: str):
        self.typed += 1
        locator.fill(text)

    def choose(self, locator, value: str):
        self.taps += 1
        locator.select_option(value)

    def attach(self, locator, files):
        self.taps += 1
        locator.set_input_files(files=files)


@pytest.fixture
def bobs_month(bob, institution_a, county_a):
    """Bob's two institutions: the other one has had its four items this month already, and
    institution A had a visit last month whose texts he may reuse."""
    other = InstitutionFactory(name="赫山区博雅培训学校", region=county_a)
    for institution in (institution_a, other):
        AssignmentFactory(instructor=bob.instructor, institution=institution,
                          start=timezone.localdate().replace(year=2022, month=1, day=1))
    today = timezone.localdate()
    items = {"lesson": True, "lesson_topic": "学习贯彻党的二十大精神", "policy": True,
             "policy_text": "校外培训监管政策", "hazard_check": True,
             "hazard_check_text": "消防通道、灭火器", "ledger": True,
             "ledger_text": "党员名册、三会一课记录"}
    services.visit_record(acting_user=bob, institution=other, date=today.replace(day=1),
                          **items)
    last_month = today.replace(day=1) - timedelta(days=1)
    services.visit_record(acting_user=bob, institution=institution_a, date=last_month, **items)
    return other


def wait_for_service_worker(page):
    # A function, not an expression string: Playwright evaluates a string predicate with
    # eval(), which the Content-Security-Policy (no 'unsafe-eval') refuses.
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=15_000)


def wait_for_offline_copy(page, path_start: str):
    """The forms of 我的本月 are fetched into the worker's cache in the background."""
    page.wait_for_function(
        """(start) => caches.open("pb-pages").then((cache) => cache.keys()).then((keys) =>
             keys.some((request) => new URL(request.url).pathname.startsWith(start)))""",
        arg=path_start, timeout=15_000)


def test_a_complete_visit_with_a_hazard_and_a_photo_on_a_weak_network_in_three_page_loads(
        open_page, screenshots, bob, institution_a, bobs_month):
    today = timezone.localdate()
    page = open_page(PHONE)
    journey = Journey(page)
    page.goto("/")
    log_in(page, "bob")
    expect(page.get_by_role("heading", name="我的本月“四个一”")).to_be_visible()
    journey.reset(page_loads=1)  # counting starts on 我的本月, where the instructor begins

    # A weak mobile network, through the DevTools protocol: 300 ms, 750 kB/s down, 250 up.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 300, "downloadThroughput": 750 * 1024,
        "uploadThroughput": 250 * 1024})

    # The institution still to visit is the first card.
    cards = page.locator(".month-card")
    expect(cards.first).to_contain_text(institution_a.name)
    expect(cards.nth(1)).to_contain_text("本月已完成")
    # Tap targets of at least 44 px, the small "查看" link too.
    for target in (cards.nth(1).get_by_role("link", name="查看"),
                   cards.first.get_by_role("link", name="记录走访")):
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    assert_fits_width(page)
    screenshots.take(page, "my-month-sorted")

    journey.tap(cards.first.get_by_role("link", name="记录走访"))
    expect(page.get_by_role("heading", name="记录走访")).to_be_visible()
    journey.tap(page.get_by_role("button", name=re.compile("沿用上次内容")))
    for label in ("上党课", "讲政策", "排隐患", "核台账"):
        expect(page.get_by_label(label, exact=True)).to_be_checked()
    expect(page.get_by_label("党课主题")).to_have_value("学习贯彻党的二十大精神")
    expect(page.get_by_text("草稿", exact=True)).to_be_visible()

    # The hazard, inline: the deadline is already proposed.
    journey.type(page.get_by_label("隐患描述"), "二楼安全出口被杂物堵塞")
    journey.choose(page.get_by_label("等级"), "major")
    deadline = (today + timedelta(days=30)).isoformat()
    expect(page.get_by_label("整改期限")).to_have_value(deadline)
    journey.type(page.get_by_label("参加人数"), "15")

    taken = today.strftime("%Y:%m:%d") + " 10:31:00"
    journey.attach(page.get_by_label("佐证材料"), [
        {"name": "党课照片.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(taken)}])
    expect(page.locator("[data-photo-dates]")).to_contain_text(
        f"照片拍摄于 {today.isoformat()} 10:31")
    expect(page.locator("[data-thumbs=evidence] img")).to_have_count(1)
    assert_fits_width(page)
    screenshots.take(page, "visit-form-one-page")

    journey.tap(page.get_by_role("button", name="保存走访记录"))
    expect(page.get_by_text(f"已保存 {today.isoformat()} 对“{institution_a.name}”的走访记录。")
           ).to_be_visible(timeout=20_000)
    expect(page.locator(".evidence-list img")).to_have_count(1)
    expect(page.get_by_text("二楼安全出口被杂物堵塞")).to_be_visible()
    assert_fits_width(page)
    screenshots.take(page, "visit-saved-with-thumbnail")

    assert len(journey.loads) <= 3, journey.loads
    assert journey.typed <= 5
    print(f"\nMEASURED page_loads={len(journey.loads)} taps={journey.taps} "
          f"typed_fields={journey.typed} loads={journey.loads}")

    visit = Visit.objects.get(institution=institution_a, date=today)
    assert visit.lesson and visit.policy and visit.hazard_check and visit.ledger
    assert visit.attendees == 15 and visit.client_id is not None
    [hazard] = visit.hazards.all()
    assert (hazard.severity, hazard.deadline.isoformat()) == ("major", deadline)
    [photo] = visit.evidence.all()
    assert photo.content_type == "image/jpeg"
    with Image.open(photo.file.path) as stored:
        assert max(stored.size) == 1600  # downscaled on the phone from 2400 px


def test_a_photo_taken_on_another_day_is_flagged_next_to_the_visit_date(
        open_page, bob, institution_a, bobs_month):
    page = open_page(PHONE)
    page.goto("/")
    log_in(page, "bob")
    page.locator(".month-card").first.get_by_role("link", name="记录走访").tap()
    earlier = timezone.localdate() - timedelta(days=3)
    page.get_by_label("佐证材料").set_input_files(files=[{
        "name": "旧照片.jpg", "mimeType": "image/jpeg",
        "buffer": camera_photo(earlier.strftime("%Y:%m:%d") + " 09:00:00", (800, 600))}])
    expect(page.locator("[data-photo-dates] li.warn")).to_contain_text(
        f"照片拍摄日期 {earlier.isoformat()} 与走访日期")


def test_a_visit_saved_offline_survives_a_reload_and_is_stored_once_when_the_network_returns(
        open_page, screenshots, bob, institution_a, bobs_month):
    today = timezone.localdate()
    page = open_page(PHONE)
    context = page.context
    page.goto("/")
    log_in(page, "bob")
    wait_for_service_worker(page)
    wait_for_offline_copy(page, "/visits/new/")

    page.locator(".month-card").first.get_by_role("link", name="记录走访").tap()
    expect(page.get_by_role("heading", name="记录走访")).to_be_visible()
    context.set_offline(True)
    page.get_by_role("button", name=re.compile("沿用上次内容")).tap()
    page.get_by_label("隐患描述").fill("灭火器压力不足")
    page.get_by_label("佐证材料").set_input_files(files=[{
        "name": "现场照片.jpg", "mimeType": "image/jpeg",
        "buffer": camera_photo(today.strftime("%Y:%m:%d") + " 15:00:00", (1000, 750))}])
    expect(page.locator("[data-thumbs=evidence] img")).to_have_count(1)
    page.get_by_role("button", name="保存走访记录").tap()
    expect(page.locator("[data-draft-note]")).to_have_text("已保存在本机，联网后自动上传。")
    outbox = page.locator("[data-outbox]")
    expect(outbox).to_contain_text("1 条待上传")
    expect(outbox).to_contain_text("当前离线")
    screenshots.take(page, "offline-outbox")
    assert not Visit.objects.filter(date=today, institution=institution_a).exists()

    # The page is reloaded with no network: the service worker serves it, the draft returns.
    page.reload()
    expect(page.get_by_role("heading", name="记录走访")).to_be_visible()
    expect(page.get_by_text("草稿", exact=True)).to_be_visible()
    expect(page.get_by_label("隐患描述")).to_have_value("灭火器压力不足")
    expect(page.get_by_label("党课主题")).to_have_value("学习贯彻党的二十大精神")
    expect(page.locator("[data-thumbs=evidence] img")).to_have_count(1)
    expect(outbox).to_contain_text("1 条待上传")
    screenshots.take(page, "offline-reloaded-draft")
    assert Visit.objects.filter(date=today, institution=institution_a).count() == 0

    context.set_offline(False)
    expect(outbox).to_contain_text("已上传 1 条走访记录。", timeout=20_000)
    expect(page.locator("[data-outbox-count]")).to_be_hidden()
    expect(page.get_by_text("草稿", exact=True)).to_be_hidden()
    screenshots.take(page, "back-online-sent")

    visits = Visit.objects.filter(date=today, institution=institution_a)
    assert visits.count() == 1
    visit = visits.get()
    assert Hazard.objects.filter(visit=visit).count() == 1
    assert Hazard.objects.get(visit=visit).description == "灭火器压力不足"
    assert VisitEvidence.objects.filter(visit=visit).count() == 1
    assert HazardEvidence.objects.count() == 0
    # The draft is gone once the server has the visit: a reload shows an empty form.
    page.reload()
    expect(page.get_by_text("草稿", exact=True)).to_be_hidden()


def test_a_session_that_expired_between_filling_and_saving_loses_nothing(
        open_page, screenshots, bob, institution_a, bobs_month):
    today = timezone.localdate()
    page = open_page(PHONE)
    page.goto("/")
    log_in(page, "bob")
    page.locator(".month-card").first.get_by_role("link", name="记录走访").tap()
    page.get_by_label("上党课", exact=True).tap()
    page.get_by_label("党课主题").fill("学习新修订的纪律处分条例")
    page.get_by_label("以案说法", exact=True).tap()
    page.get_by_label("所讲案例").fill("某培训机构违规收费案")
    page.get_by_label("内容摘要").fill("讲完党课后检查了消防通道。")

    Session.objects.all().delete()  # the session ends while the instructor is typing
    page.get_by_role("button", name="保存走访记录").tap()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    log_in(page, "bob")

    expect(page.get_by_role("heading", name="记录走访")).to_be_visible()
    expect(page.locator("[data-draft-note]")).to_contain_text("会话已过期，已为您保留填写内容")
    expect(page.get_by_label("党课主题")).to_have_value("学习新修订的纪律处分条例")
    expect(page.get_by_label("所讲案例")).to_have_value("某培训机构违规收费案")
    expect(page.get_by_label("内容摘要")).to_have_value("讲完党课后检查了消防通道。")
    assert_fits_width(page)
    screenshots.take(page, "restored-after-login")
    assert not Visit.objects.filter(date=today, institution=institution_a).exists()

    page.get_by_role("button", name="保存走访记录").tap()
    expect(page.get_by_text(f"已保存 {today.isoformat()} 对“{institution_a.name}”的走访记录。")
           ).to_be_visible()
    visit = Visit.objects.get(date=today, institution=institution_a)
    assert visit.case_talk_case == "某培训机构违规收费案"


def test_the_same_queued_visit_sent_twice_is_stored_once(
        open_page, bob, institution_a, bobs_month):
    """The first answer is lost on the way back (the visit was stored); the outbox sends the
    same visit again and the server answers with the visit it already has."""
    today = timezone.localdate()
    page = open_page({**PHONE, "service_workers": "block"})
    page.goto("/")
    log_in(page, "bob")
    page.locator(".month-card").first.get_by_role("link", name="记录走访").tap()
    page.get_by_role("button", name=re.compile("沿用上次内容")).tap()
    page.get_by_label("隐患描述").fill("配电箱未上锁")

    sent = []

    def lose_the_answer(route):
        response = route.fetch()  # the server gets the visit and stores it
        sent.append(response.status)
        if len(sent) == 1:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/visits/sync/", lose_the_answer)
    page.get_by_role("button", name="保存走访记录").tap()
    expect(page.locator("[data-draft-note]")).to_have_text(
        "网络不稳定，已保存在本机，联网后自动上传。")
    expect(page.locator("[data-outbox]")).to_contain_text("1 条待上传")
    assert Visit.objects.filter(date=today, institution=institution_a).count() == 1

    # The network comes back: the outbox sends the same visit (same client id) again.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-outbox]")).to_contain_text("已上传 1 条走访记录。")
    assert sent == [200, 200]
    assert Visit.objects.filter(date=today, institution=institution_a).count() == 1
    assert Hazard.objects.filter(description="配电箱未上锁").count() == 1


def test_a_queued_visit_the_server_refuses_comes_back_as_a_draft_with_its_message(
        open_page, screenshots, bob, institution_a, bobs_month):
    today = timezone.localdate()
    page = open_page({**PHONE, "service_workers": "block"})
    open_page.expect_failure(400, "/visits/sync/")  # the refusal this journey is about
    page.goto("/")
    log_in(page, "bob")
    page.locator(".month-card").first.get_by_role("link", name="记录走访").tap()
    reuse = page.get_by_role("button", name=re.compile("沿用上次内容"))
    expect(reuse).to_be_visible()  # the page and its scripts are in before the network goes
    page.context.set_offline(True)
    reuse.tap()
    page.get_by_role("button", name="保存走访记录").tap()
    expect(page.locator("[data-outbox]")).to_contain_text("1 条待上传")

    # Meanwhile the committee ends bob's assignment: he was not assigned on the day after all.
    assignment = bob.instructor.assignments.get(institution=institution_a)
    assignment.start = today + timedelta(days=1)
    assignment.save()
    page.context.set_offline(False)
    outbox = page.locator("[data-outbox]")
    expect(outbox.locator("[data-outbox-rejected] li")).to_contain_text("没有派驻到机构")
    expect(page.locator("[data-outbox-count]")).to_be_hidden()
    # The form on screen shows the refusal too.
    expect(page.locator("[data-server-error]")).to_contain_text("没有派驻到机构")
    screenshots.take(page, "rejected-in-outbox")

    outbox.get_by_role("link", name="打开修改").tap()
    expect(page.locator("[data-server-error]")).to_contain_text("没有派驻到机构")
    expect(page.get_by_label("党课主题")).to_have_value("学习贯彻党的二十大精神")
    expect(page.get_by_text("草稿", exact=True)).to_be_visible()
    screenshots.take(page, "rejected-draft-reopened")
    assert not Visit.objects.filter(date=today, institution=institution_a).exists()
