"""A city's ledgers imported from one folder give the structure figures the bureau expects."""

import io

from django.core.management import call_command

from partybuild.organisation.models import Member, Membership
from partybuild.organisation.selectors import region_structure_figures

from .city_folder import CITY_FIGURES, DAY, FILES, HESHAN_FIGURES, write_city_folder


def test_a_city_folder_imports_in_dependency_order_and_gives_the_expected_figures(db, tmp_path):
    folder = write_city_folder(tmp_path / "city")
    out = call_command_output(folder)
    assert out == [f"{kind}: {len(rows) - 1} created, 0 updated"
                   for kind, (_form, rows) in FILES.items()]
    assert region_structure_figures(path="/430900/", day=DAY) == CITY_FIGURES
    assert region_structure_figures(path="/430900/430903/", day=DAY) == HESHAN_FIGURES
    # Six membership rows, five people.
    assert (Member.objects.count(), Membership.objects.count()) == (5, 6)


def test_importing_the_same_folder_again_changes_nothing(db, tmp_path):
    folder = write_city_folder(tmp_path / "city")
    call_command_output(folder)
    assert call_command_output(folder) == [f"{kind}: 0 created, 0 updated" for kind in FILES]
    assert region_structure_figures(path="/430900/", day=DAY) == CITY_FIGURES


def call_command_output(folder) -> list[str]:
    out = io.StringIO()
    call_command("import_data", dir=str(folder), stdout=out)
    return out.getvalue().splitlines()
