"""Ten writers at once on a real SQLite file (run by test_sqlite_concurrency.py in a child
process, so that the database is a file with WAL and the production options, not the
suite's in-memory one).

Eight instructors post visits through the web form while two reviewers finalise inspections,
all at the same moment. Prints one JSON line: the answers and what was stored.
"""

import json
import os
import sys
import threading
from datetime import date, timedelta
from decimal import Decimal

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

if os.environ.get("PARTYBUILD_SQLITE_DEFERRED"):
    # For comparison only: the options before issue 18 (deferred transactions).
    from django.conf import settings

    settings.DATABASES["default"]["OPTIONS"].pop("transaction_mode", None)

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from partybuild.accounts.models import User  # noqa: E402
from partybuild.scoring.models import Inspection  # noqa: E402
from partybuild.scoring.services import (  # noqa: E402
    inspection_enter_section,
    inspection_get_or_create,
    scores_recompute,
)
from partybuild.visits.models import Visit  # noqa: E402
from tests.factories import (  # noqa: E402
    AssignmentFactory,
    InstitutionFactory,
    InstructorFactory,
    RegionFactory,
    UserFactory,
)

INSTRUCTORS = 8
REVIEWERS = 2
VISITS_EACH = 12
INSPECTIONS_EACH = 3
YEAR = date.today().year - 1


def build():
    call_command("migrate", verbosity=0)
    city = RegionFactory(name="益阳市", level="city", code="430900")
    county = RegionFactory(name="赫山区", parent=city)
    staff = UserFactory(username="staff", role=User.Role.STAFF, region=county)
    instructors = []
    for n in range(INSTRUCTORS):
        user = UserFactory(username=f"instructor{n}", role=User.Role.INSTRUCTOR, region=county)
        instructor = InstructorFactory(name=f"指导员{n}", user=user, region=county)
        institution = InstitutionFactory(name=f"赫山区第{n}培训学校", region=county)
        AssignmentFactory(instructor=instructor, institution=institution,
                          start=date(YEAR - 1, 1, 1))
        instructors.append((user, institution))
    reviewers = [UserFactory(username=f"reviewer{n}", role=User.Role.REVIEWER, region=county)
                 for n in range(REVIEWERS)]
    inspected = [InstitutionFactory(name=f"赫山区年检{n}培训学校", region=county,
                                    opened_on=date(YEAR - 2, 1, 1))
                 for n in range(REVIEWERS * INSPECTIONS_EACH)]
    scores_recompute(acting_user=staff, year=YEAR)
    inspections = []
    for institution in inspected:
        inspection = inspection_get_or_create(acting_user=reviewers[0], institution=institution,
                                              year=YEAR)
        for section in ("conditions", "teaching", "finance", "safety"):
            inspection = inspection_enter_section(
                acting_user=reviewers[0], inspection=inspection, section=section,
                score=Decimal("90"), comment="检查情况良好")
        inspections.append(inspection)
    return instructors, reviewers, inspections


def main():
    instructors, reviewers, inspections = build()
    connection.close()
    answers, errors = [], []
    start = threading.Barrier(INSTRUCTORS + REVIEWERS)
    today = date.today()

    def post_visits(user, institution):
        client = Client()
        client.force_login(user)
        start.wait()
        for n in range(VISITS_EACH):
            day = today - timedelta(days=n)
            response = client.post(reverse("visits:visit_create"), {
                "institution": institution.pk, "date": day.isoformat(), "lesson": "on",
                "lesson_topic": "学习贯彻党的二十大精神", "attendees": "15"})
            answers.append(response.status_code)
        connections.close_all()

    def finalise(user, batch):
        client = Client()
        client.force_login(user)
        start.wait()
        for inspection in batch:
            url = reverse("scoring:inspection_finalise",
                          args=[inspection.year, inspection.institution_id])
            response = client.post(url, {"confirm": "1"})
            answers.append(response.status_code)
        connections.close_all()

    def guarded(target, *args):
        try:
            target(*args)
        except Exception as error:  # a 500 raises in the test client
            errors.append(repr(error))

    threads = [threading.Thread(target=guarded, args=(post_visits, user, institution))
               for user, institution in instructors]
    threads += [threading.Thread(target=guarded, args=(
        finalise, user, inspections[n * INSPECTIONS_EACH:(n + 1) * INSPECTIONS_EACH]))
        for n, user in enumerate(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({
        "answers": sorted(answers), "errors": errors,
        "visits": Visit.objects.count(),
        "finalised": Inspection.objects.filter(finalised_at__isnull=False).count(),
        "expected_visits": INSTRUCTORS * VISITS_EACH,
        "expected_finalised": REVIEWERS * INSPECTIONS_EACH,
    }))


if __name__ == "__main__":
    main()
