"""The authorisation matrix: every URL pattern of the project, for every role, in and out of scope.

The patterns are read from the URL configuration, so a page added without a line in
EXPECTED below makes test_every_url_pattern_has_a_line_in_the_matrix fail until someone
writes down who may open it. The answers are written by hand from reading the views:

- public pages open to anonymous users; every other page redirects them to the login page;
- a role that may not use a page gets 403, whatever the object (the role is checked first);
- an object outside the user's scope answers 404, exactly like a missing one;
- a refused POST (anonymous, 403 or 404) leaves every table of the database as it was.

The Django admin is covered by one rule for its whole namespace, further down; so are the
exports and reports, which must honour the user's scope exactly like the pages.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from partybuild.core.credit_code import make_credit_code
from partybuild.organisation.services import INSTITUTION_FIELDS
from partybuild.scoring.models import RUBRIC_FIELDS, Rubric
from tests.authorisation_world import build_world
from tests.factories_activities import PNG_BYTES
from tests.reports.pdf_text import pdf_text

OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
LOGIN = "redirect to login"
EXPORT_PARAM = "_export"


# The URL configuration -----------------------------------------------------------------


def walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    """Every URLPattern under the resolver as (route, full name or None, pattern)."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        else:
            assert isinstance(entry, URLPattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name, entry


def kwarg_names(pattern: URLPattern) -> set[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None:
        return set(converters)
    return set(pattern.pattern.regex.groupindex)


ALL_PATTERNS = list(walk(get_resolver()))
ADMIN_PATTERNS = [(route, name) for route, name, _ in ALL_PATTERNS if route.startswith("admin/")]
PROJECT_PATTERNS = [(route, name, pattern) for route, name, pattern in ALL_PATTERNS
                    if not route.startswith("admin/")]


# The expected answers --------------------------------------------------------------------
#
# For pages about one object, `get` holds the answers for that object in the user's scope
# (county A; county B for eve) and `get_out` for the twin object outside it (county B;
# county A for eve). dave sees the whole city, so he has no out-of-scope answers. `post` and
# `post_out` list the refused POSTs: who may not write gets the same refusal as on GET,
# before any form is validated. Anonymous POSTs are checked on every page with `post`.
# `post_ok` lists the allowed POSTs with the same body, which proves the body is a real
# change: a refused POST that left the database alone was refused, not merely invalid.

# The security and audit administrators (frank, grace) do no party-building work: every
# page of the structure, visits, scores and reports refuses them, in scope or out.
NOT_THE_WORK = {"frank": FORBIDDEN, "grace": FORBIDDEN}
SIGNED_IN = ("alice", "bob", "carol", "dave", "eve", "frank", "grace")
EVERYONE = {"alice": OK, "bob": OK, "carol": OK, "dave": OK, "eve": OK, **NOT_THE_WORK}
EVERYONE_OUT = {"alice": NOT_FOUND, "bob": NOT_FOUND, "carol": NOT_FOUND, "eve": NOT_FOUND}
# Structure readers: staff, reviewers and administrators; instructors are refused.
READERS = {"alice": OK, "bob": FORBIDDEN, "carol": OK, "dave": OK, "eve": OK, **NOT_THE_WORK}
READERS_OUT = {"alice": NOT_FOUND, "bob": FORBIDDEN, "carol": NOT_FOUND, "eve": NOT_FOUND}
READERS_POST = {"bob": FORBIDDEN, **NOT_THE_WORK}
READERS_WRITE = {"alice": FOUND, "carol": FOUND, "dave": FOUND, "eve": FOUND}
# Structure editors: committee staff and administrators.
EDITORS = {"alice": OK, "bob": FORBIDDEN, "carol": FORBIDDEN, "dave": OK, "eve": OK, **NOT_THE_WORK}
EDITORS_OUT = {"alice": NOT_FOUND, "bob": FORBIDDEN, "carol": FORBIDDEN, "eve": NOT_FOUND}
EDITORS_POST = {"bob": FORBIDDEN, "carol": FORBIDDEN, **NOT_THE_WORK}
EDITORS_WRITE = {"alice": FOUND, "dave": FOUND, "eve": FOUND}
# Recorders of visits, hazards and clues: editors and instructors with a record.
RECORDERS = {"alice": OK, "bob": OK, "carol": FORBIDDEN, "dave": OK, "eve": OK, **NOT_THE_WORK}
RECORDERS_OUT = {"alice": NOT_FOUND, "bob": NOT_FOUND, "carol": FORBIDDEN, "eve": NOT_FOUND}
RECORDERS_POST = {"carol": FORBIDDEN, **NOT_THE_WORK}
RECORDERS_WRITE = {"alice": FOUND, "bob": FOUND, "dave": FOUND, "eve": FOUND}
# Inspection reviewers: reviewers and administrators.
REVIEWERS = {"alice": FORBIDDEN, "bob": FORBIDDEN, "carol": OK, "dave": OK, "eve": FORBIDDEN,
             **NOT_THE_WORK}
REVIEWERS_OUT = {"alice": FORBIDDEN, "bob": FORBIDDEN, "carol": NOT_FOUND, "eve": FORBIDDEN}
REVIEWERS_POST = {"alice": FORBIDDEN, "bob": FORBIDDEN, "eve": FORBIDDEN, **NOT_THE_WORK}
REVIEWERS_WRITE = {"carol": FOUND, "dave": FOUND}
# Administrators only.
ADMINS = {"alice": FORBIDDEN, "bob": FORBIDDEN, "carol": FORBIDDEN, "dave": OK,
          "eve": FORBIDDEN, **NOT_THE_WORK}
ADMINS_OUT = {"alice": FORBIDDEN, "bob": FORBIDDEN, "carol": FORBIDDEN, "eve": FORBIDDEN}
ADMINS_POST = {**ADMINS_OUT, **NOT_THE_WORK}
ADMINS_WRITE = {"dave": FOUND}


@dataclass(frozen=True)
class Row:
    """Who gets what from one URL name; a role left out of a dict is not asked."""

    get: dict
    # The kind of record the URL's pk names (an attribute of authorisation_world.County).
    obj: str | None = None
    get_out: dict = field(default_factory=dict)
    # None: the page takes no POST worth asking about; {}: only anonymous POSTs are refused.
    post: dict | None = None
    post_out: dict = field(default_factory=dict)
    # Allowed POSTs in scope, with the plausible body: 302 means the change went through.
    post_ok: dict = field(default_factory=dict)
    anonymous: int | str = LOGIN
    # A 200 must be an attachment (a file download, not a page).
    download: bool = False


def editor_action(obj: str | None = None) -> Row:
    """A confirmed action of committee staff and administrators (ConfirmedActionView)."""
    if obj is None:
        return Row(get=EDITORS, post=EDITORS_POST, post_ok=EDITORS_WRITE)
    return Row(obj=obj, get=EDITORS, get_out=EDITORS_OUT, post=EDITORS_POST,
               post_out=EDITORS_OUT, post_ok=EDITORS_WRITE)


def bulk_action() -> Row:
    """A bulk action (core.views_bulk): the posted ids name the records, so a POST of the
    other county's ids is the out-of-scope case, refused with 404 like a single action."""
    return Row(get=EDITORS, post=EDITORS_POST, post_out=EDITORS_OUT, post_ok=EDITORS_WRITE)


def admin_action(obj: str | None = None, post_ok: dict = ADMINS_WRITE) -> Row:
    if obj is None:
        return Row(get=ADMINS, post=ADMINS_POST, post_ok=post_ok)
    return Row(obj=obj, get=ADMINS, get_out=ADMINS_OUT, post=ADMINS_POST, post_out=ADMINS_OUT,
               post_ok=post_ok)


def reviewer_form(obj: str = "institution") -> Row:
    return Row(obj=obj, get=REVIEWERS, get_out=REVIEWERS_OUT, post=REVIEWERS_POST,
               post_out=REVIEWERS_OUT, post_ok=REVIEWERS_WRITE)


def recorder_form(obj: str | None = None) -> Row:
    """A visit, hazard or clue form (reviewers only read them)."""
    if obj is None:
        return Row(get=RECORDERS, post=RECORDERS_POST, post_ok=RECORDERS_WRITE)
    return Row(obj=obj, get=RECORDERS, get_out=RECORDERS_OUT, post=RECORDERS_POST,
               post_out=RECORDERS_OUT, post_ok=RECORDERS_WRITE)


def require_post(answers_post: dict, answers_post_out: dict | None = None,
                 obj: str | None = None) -> Row:
    """A POST-only URL of the editors: a GET is refused with 405 for anyone signed in."""
    signed_in = {role: NOT_ALLOWED for role in EVERYONE}
    return Row(obj=obj, get=signed_in,
               get_out={role: NOT_ALLOWED for role in EVERYONE_OUT} if obj else {},
               post=answers_post, post_out=answers_post_out or {}, post_ok=EDITORS_WRITE)


SIGNED_IN_GO_HOME = {role: FOUND for role in EVERYONE}
SIGNED_IN_OK = {role: OK for role in SIGNED_IN}
# Only the audit administrator reads the trail: not the system administrator (三员分立).
AUDITOR_ONLY = {role: FORBIDDEN for role in SIGNED_IN} | {"grace": OK}

EXPECTED: dict[str, Row] = {
    # Accounts, language, health: the few public pages.
    "login": Row(get=SIGNED_IN_GO_HOME, anonymous=OK),
    "logout": Row(get={role: NOT_ALLOWED for role in EVERYONE}),
    "set_language": Row(get=SIGNED_IN_GO_HOME, anonymous=FOUND),
    "password_change": Row(get=SIGNED_IN_OK, post={},
                           post_ok={role: FOUND for role in SIGNED_IN}),
    "password_change_done": Row(get=SIGNED_IN_OK),
    # The second factor: anyone may set it up; verifying without a device sends to setup.
    "otp_setup": Row(get=SIGNED_IN_OK, post={}, post_ok={role: FOUND for role in SIGNED_IN}),
    "otp_verify": Row(get={role: FOUND for role in SIGNED_IN}, post={}),
    "health": Row(get=SIGNED_IN_OK, anonymous=OK),
    "redlist_public": Row(get=SIGNED_IN_OK, anonymous=OK),
    "redlist_index": Row(get=SIGNED_IN_OK, anonymous=OK),
    "redlist_version": Row(get=SIGNED_IN_OK, anonymous=OK),
    # The security and audit administrators land on a home page without figures.
    "home": Row(get=SIGNED_IN_OK),
    # The offline app: they hold no data, so they answer before login too.
    "service_worker": Row(get=SIGNED_IN_OK, anonymous=OK),
    "manifest": Row(get=SIGNED_IN_OK, anonymous=OK),
    "coverage_gaps": Row(get=READERS),
    "search": Row(get=EVERYONE),
    "search_suggest": Row(get=EVERYONE),
    # The organisation structure.
    "organisation:institution_list": Row(get=EVERYONE),
    "organisation:institution_detail": Row(obj="institution", get=EVERYONE,
                                           get_out=EVERYONE_OUT),
    "organisation:branch_list": Row(get=READERS),
    "organisation:branch_detail": Row(obj="branch", get=READERS, get_out=READERS_OUT),
    "organisation:member_list": Row(get=READERS),
    "organisation:member_detail": Row(obj="member", get=READERS, get_out=READERS_OUT),
    "organisation:pairing_list": Row(get=READERS),
    "organisation:three_sync": Row(get=READERS),
    "organisation:institution_create": editor_action(),
    "organisation:institution_update": editor_action("institution"),
    "organisation:institution_cover": editor_action("spare_institution"),
    "organisation:branch_create": editor_action(),
    "organisation:branch_update": editor_action("branch"),
    "organisation:branch_dissolve": editor_action("branch"),
    "organisation:branch_merge": editor_action("branch"),
    "organisation:coverage_add": editor_action("branch"),
    "organisation:secretary_set": editor_action("branch"),
    "organisation:coverage_end": editor_action("coverage"),
    "organisation:coverage_bulk_end": bulk_action(),
    "organisation:member_create": editor_action(),
    "organisation:member_update": editor_action("member"),
    "organisation:member_transfer": editor_action("member"),
    "organisation:member_transfer_out": editor_action("member"),
    "organisation:pairing_create": editor_action(),
    "organisation:pairing_end": editor_action("pairing"),
    # Instructors: an instructor opens only their own record, any other is refused (403).
    "instructors:instructor_list": Row(get=READERS),
    "instructors:instructor_detail": Row(obj="instructor", get=EVERYONE, get_out={
        "alice": NOT_FOUND, "bob": FORBIDDEN, "carol": NOT_FOUND, "eve": NOT_FOUND}),
    # Staff reveal an instructor's full phone number on purpose (audited); reviewers may not.
    "instructors:instructor_phone_reveal": Row(
        obj="instructor", get={role: NOT_ALLOWED for role in SIGNED_IN},
        get_out={role: NOT_ALLOWED for role in EVERYONE_OUT},
        post={"bob": FORBIDDEN, "carol": FORBIDDEN, **NOT_THE_WORK},
        post_out={"alice": NOT_FOUND, "bob": FORBIDDEN, "carol": FORBIDDEN, "eve": NOT_FOUND},
        post_ok={"alice": OK, "dave": OK, "eve": OK}),
    "instructors:instructor_create": editor_action(),
    "instructors:instructor_update": editor_action("instructor"),
    "instructors:assignment_create": editor_action(),
    "instructors:assignment_end": editor_action("assignment"),
    "instructors:assignment_reassign": editor_action("institution"),
    "instructors:assignment_bulk_reassign": bulk_action(),
    # Visits, hazards, clues: instructors read and record their own.
    "visits:visit_list": Row(get=EVERYONE),
    "visits:visit_create": recorder_form(),
    # The phone's outbox: POST only, answered in JSON; another county's institution is a
    # rejected visit (400, nothing written: tests/visits/test_outbox.py).
    "visits:visit_sync": Row(get={role: NOT_ALLOWED for role in EVERYONE}, post=RECORDERS_POST,
                             post_out={"alice": 400, "bob": 400, "eve": 400},
                             post_ok={"alice": OK, "bob": OK, "dave": OK, "eve": OK}),
    "visits:visit_detail": Row(obj="visit", get=EVERYONE, get_out=EVERYONE_OUT),
    "visits:visit_update": recorder_form("visit"),
    "visits:visit_evidence_download": Row(obj="visit_evidence", get=EVERYONE,
                                          get_out=EVERYONE_OUT, download=True),
    "visits:hazard_list": Row(get=EVERYONE),
    "visits:hazard_create": recorder_form(),
    "visits:hazard_detail": Row(obj="hazard", get=EVERYONE, get_out=EVERYONE_OUT),
    "visits:hazard_rectify": recorder_form("hazard"),
    "visits:hazard_close_out": editor_action("hazard"),
    "visits:hazard_bulk_close_out": bulk_action(),
    "visits:hazard_evidence_download": Row(obj="hazard_evidence", get=EVERYONE,
                                           get_out=EVERYONE_OUT, download=True),
    "visits:clue_list": Row(get=EVERYONE),
    "visits:clue_create": recorder_form(),
    "visits:clue_detail": Row(obj="clue", get=EVERYONE, get_out=EVERYONE_OUT),
    "visits:clue_review": editor_action("clue"),
    "visits:completeness": Row(get=READERS),
    # Branch activities: instructors read those counting for their institutions.
    "activities:activity_list": Row(get=READERS),
    "activities:activity_create": editor_action(),
    "activities:activity_detail": Row(obj="activity", get=EVERYONE, get_out=EVERYONE_OUT),
    "activities:activity_update": editor_action("activity"),
    "activities:activity_evidence_add": require_post(EDITORS_POST, EDITORS_OUT, "activity"),
    "activities:evidence_download": Row(obj="activity_evidence", get=EVERYONE,
                                        get_out=EVERYONE_OUT, download=True),
    "activities:cadence_overview": Row(get=READERS),
    # Red-list points.
    "points:ranking": Row(get=READERS),
    "points:ledger": Row(obj="institution", get=EVERYONE, get_out=EVERYONE_OUT),
    "points:entry_add": editor_action("institution"),
    "points:entry_correct": editor_action("points_entry"),
    # Imports: committee staff and administrators.
    "imports:index": Row(get=EDITORS),
    "imports:confirm": require_post(EDITORS_POST),
    "imports:cancel": require_post(EDITORS_POST),
    "imports:errors": require_post(EDITORS_POST),
    # Uploading only validates: the dry-run result page answers, nothing is written yet.
    "imports:upload": Row(get=EDITORS, post=EDITORS_POST,
                          post_ok={"alice": OK, "dave": OK, "eve": OK}),
    "imports:template": Row(get=EDITORS, download=True),
    # Scores, rubric, inspections, red list.
    "scoring:score_list_default": Row(get={"alice": FOUND, "bob": FORBIDDEN, "carol": FOUND,
                                           "dave": FOUND, "eve": FOUND}),
    "scoring:score_list": Row(get=READERS),
    "scoring:recompute": Row(get=READERS, post=READERS_POST, post_ok=READERS_WRITE),
    "scoring:rubric": Row(get=READERS),
    "scoring:rubric_edit": admin_action(),
    "scoring:year_finalise": admin_action(),
    "scoring:year": Row(get=READERS),
    # The world's year is open, so the allowed POST is told there is nothing to reopen.
    "scoring:year_reopen": admin_action(post_ok={"dave": OK}),
    "scoring:late_changes": Row(get=READERS),
    "scoring:score_difference": Row(obj="institution", get=READERS, get_out=READERS_OUT),
    "scoring:red_list_correct": admin_action(),
    "scoring:red_list": Row(get=READERS),
    # The world's red list is already published (the public page needs it), so the allowed
    # POST comes back with the service's "already published" error.
    "scoring:red_list_publish": admin_action(post_ok={"dave": OK}),
    "scoring:score_detail": Row(obj="institution", get=READERS, get_out=READERS_OUT),
    "scoring:recompute_institution": Row(obj="institution", get=READERS, get_out=READERS_OUT,
                                         post=READERS_POST, post_out=READERS_OUT,
                                         post_ok=READERS_WRITE),
    "scoring:inspection": Row(obj="institution", get=READERS, get_out=READERS_OUT),
    "scoring:inspection_adjust": reviewer_form(),
    "scoring:inspection_section": reviewer_form(),
    "scoring:inspection_finalise": reviewer_form(),
    # The world's inspections are open, so the allowed POST is told there is nothing to reopen.
    "scoring:inspection_reopen": admin_action("institution", post_ok={"dave": OK}),
    # Finalising every complete inspection of a region at once: reviewers and administrators.
    "scoring:inspections_finalise": Row(get=REVIEWERS, post=REVIEWERS_POST,
                                        post_ok=REVIEWERS_WRITE),
    # Reports: staff, reviewers, administrators; instructors print their duty cards.
    "reports:dashboard": Row(get=READERS),
    "reports:region_pdf": Row(get=READERS, download=True),
    "reports:duty_cards_pdf": Row(get=READERS, download=True),
    "reports:institution_pdf": Row(obj="institution", get=READERS, get_out=READERS_OUT,
                                   download=True),
    "reports:institution_duty_card_pdf": Row(obj="institution", get=EVERYONE,
                                             get_out=EVERYONE_OUT, download=True),
    # The audit trail.
    "audit:audit_list": Row(get=AUDITOR_ONLY),
    # The notification centre: everyone signed in reads and marks their own messages;
    # the regions' group bots and the delivery log are the system administrator's.
    "notifications:list": Row(get=SIGNED_IN_OK),
    "notifications:mark_read": Row(get={role: NOT_ALLOWED for role in SIGNED_IN}, post={}),
    "notifications:mark_all_read": Row(get={role: NOT_ALLOWED for role in SIGNED_IN}, post={},
                                       post_ok={role: FOUND for role in SIGNED_IN}),
    "notifications:preferences": Row(get=SIGNED_IN_OK, post={},
                                     post_ok={role: FOUND for role in SIGNED_IN}),
    "notifications:channel_list": Row(get=ADMINS),
    "notifications:channel_edit": admin_action("region"),
    "notifications:delivery_log": Row(get=ADMINS),
}


# URL arguments ---------------------------------------------------------------------------

IMPORT_KIND = "institutions"
INSPECTION_SECTION = "safety"


def url_kwargs(pattern: URLPattern, name: str, world, side: str) -> dict:
    """The arguments of the pattern for one county's records; unknown names fail loudly."""
    row = EXPECTED[name]
    county = world.county(side)
    kwargs = {}
    for kwarg in sorted(kwarg_names(pattern)):
        if kwarg == "pk":
            assert row.obj, f"{name} takes a pk: say in EXPECTED which record it names"
            kwargs["pk"] = getattr(county, row.obj).pk
        elif kwarg == "year":
            kwargs["year"] = world.year
        elif kwarg == "section":
            kwargs["section"] = INSPECTION_SECTION
        elif kwarg == "kind":
            kwargs["kind"] = IMPORT_KIND
        elif kwarg == "version":
            kwargs["version"] = 1
        else:
            raise AssertionError(f"{name}: the matrix does not know the URL argument {kwarg!r}")
    assert row.obj is None or "pk" in kwargs, f"{name} names a record but takes no pk"
    return kwargs


# Plausible POST bodies: each would be a real change if the view let it through. -----------

# Dates are counted from the day the suite runs, so that "not in the future" and "after the
# world's records" hold on any day.
TODAY = timezone.localdate()


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


ON = days_ago(0)  # the day an action takes effect
LAST_DAY = days_ago(1)  # the last day of something that ends


def institution_fields(institution) -> dict:
    values = model_to_dict(institution, fields=INSTITUTION_FIELDS)
    values = {key: value for key, value in values.items() if value is not None}
    return {**values, "address": "益阳市赫山区龙洲路18号"}


def instructor_fields(instructor) -> dict:
    return {"number": instructor.number, "name": instructor.name,
            "source_type": instructor.source_type, "source_org": instructor.source_org,
            "title": "党委副书记", "phone": "13907370000", "region": instructor.region_id}


def rubric_fields(world) -> dict:
    rubric = Rubric.objects.get(year=world.year)
    return {**model_to_dict(rubric, fields=RUBRIC_FIELDS), "red_list_min_total": 80}


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("活动照片.png", PNG_BYTES, content_type="image/png")


BODIES: dict[str, Callable] = {
    "notifications:preferences": lambda c, w: {"bot": "on"},
    "notifications:channel_edit": lambda c, w: {
        "wecom_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aoc"},
    "otp_setup": lambda c, w: {"start": "1"},
    "password_change": lambda c, w: {"old_password": "correct-horse-battery",
                                     "new_password1": "Yiyang-2026-dangjian",
                                     "new_password2": "Yiyang-2026-dangjian"},
    "organisation:institution_create": lambda c, w: {
        "name": f"{c.region.name}新星美术培训学校", "credit_code": make_credit_code(9001),
        "permit_no": "教民14309000901", "category": "arts", "licence": "licensed_permitted",
        "region": c.region.pk, "address": "益阳市赫山区龙洲路18号", "founder": "周明",
        "opened_on": days_ago(90), "charter_includes_party_building": "on",
        "staff_count": "8"},
    "organisation:institution_update": lambda c, w: institution_fields(c.institution),
    "organisation:branch_create": lambda c, w: {
        "name": f"{c.region.name}第二联合党支部", "kind": "joint",
        "committee": c.committee.pk, "founded_on": days_ago(30)},
    "organisation:branch_update": lambda c, w: {
        "name": f"{c.branch.name}（更名）", "kind": c.branch.kind, "committee": c.committee.pk},
    "organisation:branch_dissolve": lambda c, w: {"on": LAST_DAY},
    "organisation:branch_merge": lambda c, w: {"target": c.other_branch.pk, "on": ON},
    "organisation:institution_cover": lambda c, w: {"branch": c.other_branch.pk, "start": ON},
    "organisation:coverage_add": lambda c, w: {"institution": c.spare_institution.pk,
                                               "start": ON},
    "organisation:secretary_set": lambda c, w: {"member": c.member.pk, "on": ON},
    "organisation:coverage_end": lambda c, w: {"on": LAST_DAY},
    "organisation:coverage_bulk_end": lambda c, w: {"ids": [c.coverage.pk], "on": LAST_DAY},
    "organisation:member_create": lambda c, w: {
        "number": "DY900001", "name": "周敏", "gender": "female", "status": "full",
        "joined_on": "2015-07-01", "branch": c.branch.pk, "start": ON},
    "organisation:member_update": lambda c, w: {
        "name": f"{c.member.name}（更正）", "gender": c.member.gender,
        "status": c.member.status, "joined_on": c.member.joined_on},
    "organisation:member_transfer": lambda c, w: {"to_branch": c.other_branch.pk,
                                                  "on": ON},
    "organisation:member_transfer_out": lambda c, w: {"on": LAST_DAY},
    "organisation:pairing_create": lambda c, w: {
        "branch": c.other_branch.pk, "school": "益阳市第二中学",
        "school_branch_name": "第二党支部", "start": ON},
    "organisation:pairing_end": lambda c, w: {"on": LAST_DAY},
    "instructors:instructor_create": lambda c, w: {
        "number": "ZDY90001", "name": "孙伟", "source_type": "public_school",
        "source_org": "益阳市第三中学", "title": "党支部书记", "phone": "13907370001",
        "region": c.region.pk},
    "instructors:instructor_update": lambda c, w: instructor_fields(c.instructor),
    "instructors:assignment_create": lambda c, w: {
        "instructor": c.spare_instructor.pk, "institution": c.spare_institution.pk,
        "start": ON},
    "instructors:assignment_end": lambda c, w: {"on": LAST_DAY},
    "instructors:assignment_reassign": lambda c, w: {"instructor": c.spare_instructor.pk,
                                                     "on": ON},
    "instructors:assignment_bulk_reassign": lambda c, w: {
        "ids": [c.institution.pk], "instructor": c.spare_instructor.pk, "on": ON},
    "visits:visit_create": lambda c, w: {
        "institution": c.institution.pk, "instructor": c.instructor.pk, "date": days_ago(10),
        "lesson": "on", "lesson_topic": "学习党章", "attendees": "10",
        "notes": "组织教职工集中学习党章。"},
    "visits:visit_sync": lambda c, w: {
        "institution": c.institution.pk, "instructor": c.instructor.pk, "date": days_ago(10),
        "lesson": "on", "lesson_topic": "学习党章", "attendees": "10",
        "client_id": "5f0c6a4e-8a43-4a0e-9d55-3f1f4b1c2d01"},
    "visits:visit_update": lambda c, w: {
        "institution": c.institution.pk, "instructor": c.instructor.pk,
        "date": c.visit.date, "lesson": "on", "lesson_topic": "学习党章", "policy": "on",
        "policy_text": "校外培训机构管理条例", "attendees": "14", "notes": "补记政策宣讲。"},
    "visits:hazard_create": lambda c, w: {
        "institution": c.institution.pk, "found_on": days_ago(10), "category": "fire",
        "severity": "general", "description": "灭火器过期", "deadline": days_ago(-20)},
    "visits:hazard_rectify": lambda c, w: {"rectified_on": days_ago(5),
                                           "rectification_note": "杂物已清理"},
    "visits:hazard_close_out": lambda c, w: {"on": LAST_DAY},
    "visits:hazard_bulk_close_out": lambda c, w: {"ids": [c.hazard.pk], "on": LAST_DAY},
    "visits:clue_create": lambda c, w: {"institution": c.institution.pk, "date": days_ago(10),
                                        "description": "周末开设学科类辅导班"},
    "visits:clue_review": lambda c, w: {"substantiated": "on", "reviewed_on": days_ago(5)},
    "activities:activity_create": lambda c, w: {
        "branch": c.branch.pk, "date": days_ago(20), "kind": "theme_day",
        "title": "主题党日：重温入党誓词", "attendees": "15", "description": "重温入党誓词。",
        "files": photo()},
    "activities:activity_update": lambda c, w: {
        "branch": c.branch.pk, "date": c.activity.date, "kind": c.activity.kind,
        "title": f"{c.activity.title}（更正）", "attendees": "16"},
    "activities:activity_evidence_add": lambda c, w: {"files": photo()},
    "points:entry_add": lambda c, w: {"date": days_ago(20), "points": "3",
                                      "reason": "承办全市党建观摩活动"},
    "points:entry_correct": lambda c, w: {"date": f"{w.year}-06-01", "reason": "录入时分值有误"},
    "imports:confirm": lambda c, w: {"token": "0123456789abcdef"},
    "imports:cancel": lambda c, w: {"token": "0123456789abcdef"},
    "imports:errors": lambda c, w: {"token": "0123456789abcdef"},
    "imports:upload": lambda c, w: {"file": SimpleUploadedFile(
        "机构.csv", "机构名称,统一社会信用代码\n".encode(), content_type="text/csv")},
    "scoring:recompute": lambda c, w: {"region": c.region.pk},
    "scoring:rubric_edit": lambda c, w: rubric_fields(w),
    "scoring:inspection_adjust": lambda c, w: {"adjusted": "85", "reason": "台账补充完整"},
    "scoring:inspection_section": lambda c, w: {"score": "90", "comment": "消防设施齐全"},
    "scoring:inspection_reopen": lambda c, w: {"reason": "安全管理得分录入有误"},
    "scoring:inspections_finalise": lambda c, w: {"region": c.region.pk},
    "scoring:year_reopen": lambda c, w: {"reason": "补录12月走访后重新计算"},
    "scoring:red_list_correct": lambda c, w: {"reason": "赫山区一家机构漏列，更正发布"},
}


def post_body(name: str, world, side: str) -> dict:
    build = BODIES.get(name)
    body = build(world.county(side), world) if build else {}
    # The confirm button of the two-step actions: without it nothing would be written anyway.
    return {**body, "confirm": "1"}


# The cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    role: str
    method: str
    scope: str
    expected: int | str

    def __str__(self) -> str:
        return f"{self.name}-{self.role}-{self.method}-{self.scope}"

    @property
    def side(self) -> str:
        """Which county's records the request names: eve's own county is B."""
        own, other = ("b", "a") if self.role == "eve" else ("a", "b")
        return own if self.scope == "in_scope" else other


def matrix_cases() -> list[Case]:
    cases = []
    for _route, name, _pattern in PROJECT_PATTERNS:
        row = EXPECTED.get(name)
        if row is None:
            continue  # test_every_url_pattern_has_a_line_in_the_matrix names it
        cases.append(Case(name, "anonymous", "GET", "in_scope", row.anonymous))
        cases += [Case(name, role, "GET", "in_scope", code) for role, code in row.get.items()]
        cases += [Case(name, role, "GET", "out_of_scope", code)
                  for role, code in row.get_out.items()]
        if row.post is not None:
            cases.append(Case(name, "anonymous", "POST", "in_scope", LOGIN))
            cases += [Case(name, role, "POST", "in_scope", code)
                      for role, code in row.post.items()]
            cases += [Case(name, role, "POST", "out_of_scope", code)
                      for role, code in row.post_out.items()]
            cases += [Case(name, role, "POST", "in_scope", code)
                      for role, code in row.post_ok.items()]
    return cases


PATTERNS_BY_NAME = {name: pattern for _route, name, pattern in PROJECT_PATTERNS}


# The world, built once for the module --------------------------------------------------------


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two counties, built once and kept in a transaction rolled back after the module."""
    media = tmp_path_factory.mktemp("authorisation-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            built.sessions = signed_in_sessions(built.users)
            yield built
            transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, django_db_blocker):
    """The shared world inside a savepoint: whatever a test writes is rolled back after it.

    Lighter than pytest-django's `db`, which sets a whole TestCase up around every test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield shared_world
        transaction.set_rollback(True)


def signed_in_sessions(users: dict) -> dict[str, str]:
    """A session key per role, made once: logging in for every test would double its cost."""
    keys = {}
    for role, user in users.items():
        browser = Client()
        browser.force_login(user)
        keys[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def fingerprint_query() -> str:
    """One query for the row count and highest id of every table that records data.

    History tables are models too, so an update made through the ORM leaves a row there.
    Sessions, login attempts (axes), content types and permissions are left out.
    """
    skipped_apps = {"sessions", "axes", "contenttypes"}
    quote = connection.ops.quote_name
    parts = []
    for model in apps.get_models():
        if model._meta.app_label in skipped_apps or model is Permission:
            continue
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts.append(f"SELECT '{model._meta.label}', COUNT(*), MAX({pk}) FROM {table}")
    return " UNION ALL ".join(parts)


def fingerprint() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(fingerprint_query())
        return {label: (rows, top) for label, rows, top in cursor.fetchall()}


def form_errors(response) -> str:
    """What a re-rendered form complains about, to explain an unexpected 200."""
    form = response.context.get("form") if response.context is not None else None
    return f" {dict(form.errors)}" if form is not None and form.errors else ""


def assert_answer(response, expected, *, download: bool = False) -> None:
    if expected == LOGIN:
        assert response.status_code == FOUND, response.status_code
        login = reverse("login")
        assert response["Location"].startswith(f"{login}?next="), response["Location"]
        return
    assert response.status_code == expected, (
        f"expected {expected}, got {response.status_code} "
        f"{response.get('Location', '')}{form_errors(response)}")
    if expected == FOUND:
        # A documented redirect (a form that went through, a page that moved on), never the
        # login page: that is LOGIN.
        assert not response["Location"].startswith(reverse("login")), response["Location"]
    if expected == OK and download:
        assert response["Content-Disposition"].startswith("attachment"), (
            response["Content-Disposition"])


def request(client, world, case: Case):
    pattern = PATTERNS_BY_NAME[case.name]
    url = reverse(case.name, kwargs=url_kwargs(pattern, case.name, world, case.side))
    if case.role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[case.role]
    if case.method == "GET":
        return client.get(url)
    return client.post(url, post_body(case.name, world, case.side))


@pytest.mark.parametrize("case", matrix_cases(), ids=str)
def test_every_page_answers_every_role_as_the_matrix_says(case, world, client):
    row = EXPECTED[case.name]
    if case.method == "GET":
        assert_answer(request(client, world, case), case.expected, download=row.download)
        return
    before = fingerprint()
    response = request(client, world, case)
    assert_answer(response, case.expected)
    if case.role == "anonymous" or case.expected in (FORBIDDEN, NOT_FOUND):
        assert fingerprint() == before, "a refused POST changed the database"


def test_every_url_pattern_has_a_line_in_the_matrix():
    names = [name for _route, name, _pattern in PROJECT_PATTERNS]
    unnamed = [route for route, name, _pattern in PROJECT_PATTERNS if name is None]
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    missing = sorted(set(names) - set(EXPECTED))
    assert not missing, f"say in EXPECTED who may open these pages: {missing}"
    stale = sorted(set(EXPECTED) - set(names))
    assert not stale, f"EXPECTED lists pages that no longer exist: {stale}"


def test_every_url_argument_of_the_project_is_known_to_the_matrix(world):
    for _route, name, pattern in PROJECT_PATTERNS:
        for side in ("a", "b"):
            reverse(name, kwargs=url_kwargs(pattern, name, world, side))


def test_the_matrix_walks_the_whole_url_configuration():
    assert len(PROJECT_PATTERNS) >= 90
    assert len(ADMIN_PATTERNS) >= 150
    assert len(PROJECT_PATTERNS) + len(ADMIN_PATTERNS) == len(ALL_PATTERNS)


# The Django admin: one rule for the whole namespace ------------------------------------------
#
# Anonymous users are sent to a login page from every admin URL except the admin's own login
# page: to the admin's login from the site's own pages (index, password, jsi18n …), to the
# site's login from a model's pages (Django gives only the former a login_url, so
# LoginRequiredMiddleware answers first with settings.LOGIN_URL). Signed-in users
# without staff status (alice, bob, carol, eve: their role is not 系统管理员) are sent to the
# admin's login page, which tells them they may not enter; its logout sends them to the index,
# which does the same. dave, the administrator with staff status, opens the index and the
# lists of the models in his scope.

ADMIN_LOGIN_PAGE = "admin:login"
ADMIN_LOGOUT = "admin:logout"
ADMIN_ARGUMENTS = {"object_id": "1", "content_type_id": "1", "id": "1"}
ADMIN_GROUPS = {
    r"(?P<app_label>": "organisation",  # the app index: the first app that has models
    r"(?P<url>.*)": "no-such-page/",  # the catch-all answers unknown admin URLs
    r"([^/]+)": "1",  # simple_history's revert page: object id and history id
}


def admin_path(route: str) -> str:
    """A concrete URL for an admin route; arguments the rule does not know fail loudly."""

    def argument(match):
        name = match.group(1)
        assert name in ADMIN_ARGUMENTS, f"admin URL argument {name!r} is not in ADMIN_ARGUMENTS"
        return ADMIN_ARGUMENTS[name]

    path = re.sub(r"\(\?P<app_label>[^)]*\)", ADMIN_GROUPS[r"(?P<app_label>"], route)
    path = path.replace(r"(?P<url>.*)", ADMIN_GROUPS[r"(?P<url>.*)"])
    path = re.sub(r"<(?:\w+:)?(\w+)>", argument, path)
    path = path.replace(r"([^/]+)", ADMIN_GROUPS[r"([^/]+)"])
    path = "/" + path.replace("^", "").replace("$", "")
    assert "(" not in path and "<" not in path, f"admin route not understood: {route}"
    return path


def admin_id(route: str, name: str | None) -> str:
    return name or route


# Writes are POSTed as alice: anonymous POSTs meet the same login redirect as their GETs.
ADMIN_WRITES = ("_add", "_change", "_delete", "_simple_history")
ADMIN_NON_STAFF = ("anonymous", "alice")


def admin_cases():
    cases = []
    for route, name in ADMIN_PATTERNS:
        for role in ADMIN_NON_STAFF:
            cases.append(pytest.param(route, name, role, "GET",
                                      id=f"{admin_id(route, name)}-{role}-GET"))
            if role != "anonymous" and name and name.endswith(ADMIN_WRITES):
                cases.append(pytest.param(route, name, role, "POST",
                                          id=f"{admin_id(route, name)}-{role}-POST"))
    return cases


@pytest.mark.parametrize(("route", "name", "role", "method"), admin_cases())
def test_the_admin_sends_everyone_without_staff_status_to_its_login_page(route, name, role,
                                                                         method, world,
                                                                         client):
    url = admin_path(route)
    assert resolve(url).route.replace("^", "") == route.replace("^", "")
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if method == "GET":
        response = client.get(url)
    else:
        before = fingerprint()
        response = client.post(url, {"name": "益阳市新开培训学校", "post": "yes"})
        assert fingerprint() == before, "a refused admin POST changed the database"
    if name == ADMIN_LOGIN_PAGE:
        assert response.status_code == OK
        return
    assert response.status_code == FOUND, response.status_code
    if role == "anonymous":
        expected = (reverse("login") + "?next=", reverse(ADMIN_LOGIN_PAGE) + "?next=")
    elif name == ADMIN_LOGOUT:
        expected = (reverse("admin:index"),)
    else:
        expected = (reverse(ADMIN_LOGIN_PAGE) + "?next=",)
    assert response["Location"].startswith(expected), response["Location"]


ADMIN_LISTS_IN_DAVES_SCOPE = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:regions_region_changelist",
    "admin:organisation_committee_changelist",
    "admin:organisation_institution_changelist",
    "admin:organisation_branch_changelist",
    "admin:organisation_coverage_changelist",
    "admin:organisation_member_changelist",
    "admin:organisation_membership_changelist",
    "admin:organisation_schoolbranch_changelist",
    "admin:organisation_pairing_changelist",
    "admin:instructors_instructor_changelist",
    "admin:instructors_assignment_changelist",
    "admin:visits_visit_changelist",
    "admin:visits_hazard_changelist",
    "admin:visits_clue_changelist",
    "admin:activities_activity_changelist",
    "admin:points_pointentry_changelist",
]


@pytest.mark.parametrize("name", ADMIN_LISTS_IN_DAVES_SCOPE)
def test_the_administrator_opens_the_admin_lists_of_his_city(name, world, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["dave"]
    response = client.get(reverse(name))
    assert response.status_code == OK


def test_the_administrator_opens_an_institution_in_the_admin(world, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["dave"]
    institution = world.a.institution
    response = client.get(reverse("admin:organisation_institution_change",
                                  args=[institution.pk]))
    assert response.status_code == OK
    assert institution.name in response.content.decode()


# Exports and reports honour the user's scope exactly like the pages ----------------------------


def export_text(response) -> str:
    """Every cell of a CSV or XLSX download, as one string."""
    if response["Content-Type"].startswith("text/csv"):
        return response.content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(str(value) for sheet in workbook.worksheets
                     for row in sheet.iter_rows(values_only=True) for value in row
                     if value is not None)


# Each list page and what names a county's rows in its export.
EXPORTS = {
    "organisation:institution_list": lambda c: c.institution.name,
    "organisation:branch_list": lambda c: c.branch.name,
    "organisation:member_list": lambda c: c.member.name,
    "organisation:pairing_list": lambda c: c.branch.name,
    "instructors:instructor_list": lambda c: c.instructor.name,
    "visits:visit_list": lambda c: c.institution.name,
    "visits:hazard_list": lambda c: c.institution.name,
    "visits:clue_list": lambda c: c.institution.name,
    "activities:activity_list": lambda c: c.activity.title,
    "points:ranking": lambda c: c.institution.name,
    "scoring:score_list": lambda c: c.institution.name,
}
INSTRUCTOR_EXPORTS = ("organisation:institution_list", "visits:visit_list",
                      "visits:hazard_list", "visits:clue_list")


def export_url(name: str, world, export_format: str) -> str:
    kwargs = {"year": world.year} if name == "scoring:score_list" else {}
    query = f"?{EXPORT_PARAM}={export_format}"
    if name == "points:ranking":
        query += f"&year={world.year}"
    return reverse(name, kwargs=kwargs) + query


def export_cases():
    cases = []
    for name in EXPORTS:
        for export_format in ("csv", "xlsx"):
            for role in ("alice", "dave") + (("bob",) if name in INSTRUCTOR_EXPORTS else ()):
                cases.append(pytest.param(name, export_format, role,
                                          id=f"{name}-{role}-{export_format}"))
    return cases


@pytest.mark.parametrize(("name", "export_format", "role"), export_cases())
def test_an_export_holds_the_rows_of_the_users_scope_and_no_other(name, export_format, role,
                                                                   world, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    response = client.get(export_url(name, world, export_format))
    assert response.status_code == OK
    assert response["Content-Disposition"].startswith("attachment")
    text = export_text(response)
    own, other = EXPORTS[name](world.a), EXPORTS[name](world.b)
    assert own in text
    if role == "dave":
        # The whole city: the other county's row is in the file when it is in scope.
        assert other in text
    else:
        assert other not in text


def test_the_completeness_download_holds_only_the_users_institutions(world, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["alice"]
    response = client.get(reverse("visits:completeness"), {EXPORT_PARAM: "xlsx"})
    assert response.status_code == OK
    text = export_text(response)
    assert world.a.institution.name in text
    assert world.b.institution.name not in text


@pytest.mark.parametrize("name", ["reports:region_pdf", "reports:duty_cards_pdf"])
def test_a_region_pdf_holds_the_users_county_and_not_the_other(name, world, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["alice"]
    response = client.get(reverse(name), {"year": world.year})
    assert response.status_code == OK
    text = pdf_text(response.content)
    assert world.a.institution.name in text
    assert world.b.institution.name not in text


@pytest.mark.parametrize("name", ["reports:region_pdf", "reports:duty_cards_pdf"])
def test_a_region_pdf_of_the_whole_city_holds_both_counties_for_the_administrator(name, world,
                                                                                  client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["dave"]
    response = client.get(reverse(name), {"year": world.year, "region": world.city.code})
    assert response.status_code == OK
    text = pdf_text(response.content)
    assert world.a.institution.name in text and world.b.institution.name in text


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:region_pdf",
                                  "reports:duty_cards_pdf"])
@pytest.mark.parametrize("region", ["city", "county_b"])
def test_a_report_of_a_region_outside_the_users_scope_answers_404(name, region, world,
                                                                   client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["alice"]
    code = world.city.code if region == "city" else world.b.region.code
    response = client.get(reverse(name), {"year": world.year, "region": code})
    assert response.status_code == NOT_FOUND


def test_the_fingerprint_notices_an_update_made_through_the_orm(world):
    before = fingerprint()
    institution = world.a.institution
    institution.address = "益阳市赫山区迎宾路2号"
    institution.save()
    assert fingerprint() != before


# A record of another county named in a form is refused like one named in the URL ------------

# Write pages, the field of their body that names a record, and which of county B's records
# alice slips into it; everything else in the body is her own county's (see BODIES).
CROSS_SCOPE_FIELDS = {
    "organisation:branch_merge": ("target", "other_branch"),
    "organisation:coverage_add": ("institution", "spare_institution"),
    "organisation:institution_cover": ("branch", "other_branch"),
    "organisation:secretary_set": ("member", "member"),
    "organisation:member_create": ("branch", "branch"),
    "organisation:member_transfer": ("to_branch", "other_branch"),
    "organisation:pairing_create": ("branch", "other_branch"),
    "instructors:assignment_create": ("institution", "spare_institution"),
    "instructors:assignment_reassign": ("instructor", "spare_instructor"),
    "visits:visit_create": ("institution", "institution"),
    "visits:hazard_create": ("institution", "institution"),
    "visits:clue_create": ("institution", "institution"),
    "activities:activity_create": ("branch", "branch"),
    "scoring:recompute": ("region", "region"),
}


@pytest.mark.parametrize("name", CROSS_SCOPE_FIELDS)
def test_a_form_naming_a_record_of_another_county_is_refused_and_writes_nothing(name, world,
                                                                                client):
    form_field, record = CROSS_SCOPE_FIELDS[name]
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["alice"]
    pattern = PATTERNS_BY_NAME[name]
    url = reverse(name, kwargs=url_kwargs(pattern, name, world, "a"))
    body = {**post_body(name, world, "a"), form_field: getattr(world.b, record).pk}
    before = fingerprint()
    response = client.post(url, body)
    assert response.status_code == OK, response.status_code
    assert form_field in response.context["form"].errors
    assert fingerprint() == before


def test_a_visitor_who_is_not_signed_in_switches_the_login_page_to_english(world, client):
    # The header's language switch is on the login page too; it used to send the visitor
    # back to the login page in Chinese (set_language needed a signed-in user).
    login = reverse("login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == FOUND
    assert response["Location"] == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(login).content.decode()


# A record of another county named in the query string ----------------------------------------

QUERY_RECORDS = {
    # The hazard and clue forms opened from a visit: the visit must be one the user may see.
    "visits:hazard_create": ("visit", lambda county: county.visit.pk),
    "visits:clue_create": ("visit", lambda county: county.visit.pk),
    # The 三会一课 page of one region.
    "activities:cadence_overview": ("region", lambda county: county.region.pk),
}


@pytest.mark.parametrize("name", QUERY_RECORDS)
def test_a_page_asked_for_a_record_of_another_county_in_its_query_answers_404(name, world,
                                                                              client):
    parameter, value = QUERY_RECORDS[name]
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["alice"]
    assert client.get(reverse(name), {parameter: value(world.a)}).status_code == OK
    assert client.get(reverse(name), {parameter: value(world.b)}).status_code == NOT_FOUND


def test_the_completeness_download_of_another_county_holds_none_of_its_institutions(world,
                                                                                  client):
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["alice"]
    response = client.get(reverse("visits:completeness"),
                          {EXPORT_PARAM: "xlsx", "region": world.b.region.pk})
    assert response.status_code == OK
    assert world.b.institution.name not in export_text(response)
