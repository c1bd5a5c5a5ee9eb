"""The demo logins, one for every role, each with its region."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from partybuild.accounts.models import User
from partybuild.instructors.models import Instructor
from partybuild.regions.models import Region

from .common import CITY_CODE, DEMO_PASSWORD, DISTRICTS, HISTORY_REASON


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region: str
    password: str


DEMO_USERS = (
    # username, role, region code, display name
    ("admin", User.Role.ADMIN, CITY_CODE, "刘建国"),
    ("staff", User.Role.STAFF, CITY_CODE, "陈敏"),
    *((f"staff_{spec.slug}", User.Role.STAFF, spec.code, name)
      for spec, name in zip(DISTRICTS, ("周丽", "彭涛", "曾静", "谭军", "罗芳", "胡斌"),
                            strict=True)),
    ("reviewer", User.Role.REVIEWER, CITY_CODE, "汤慧"),
    ("instructor", User.Role.INSTRUCTOR, "430903", ""),
    ("instructor_ziyang", User.Role.INSTRUCTOR, "430902", ""),
    ("instructor_yuanjiang", User.Role.INSTRUCTOR, "430981", ""),
)


@transaction.atomic
def ensure_demo_users() -> list[DemoLogin]:
    """Create the demo users that are missing; instructor users get an Instructor record."""
    logins = []
    password_hash = None
    for username, role, region_code, display_name in DEMO_USERS:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            # One hash for the shared, published demo password: hashing is slow on purpose.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            instructor = None
            if role == User.Role.INSTRUCTOR:
                instructor = (Instructor.objects.filter(region=region, user__isnull=True)
                              .order_by("number").first())
                display_name = instructor.name if instructor else display_name
            is_admin = role == User.Role.ADMIN
            user = User.objects.create(
                username=username, password=password_hash, role=role, region=region,
                display_name=display_name, is_staff=is_admin, is_superuser=is_admin,
            )
            if instructor is not None:
                instructor.user = user
                instructor._change_reason = HISTORY_REASON
                instructor.save(update_fields=["user"])
        logins.append(DemoLogin(username=username, role=str(User.Role(user.role).label),
                                region=user.region.name if user.region else "",
                                password=DEMO_PASSWORD))
    return logins
