"""A year outside the application's range is refused by every command with a message."""

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["annual_scores", "summary", "finalise_year", "late_changes"])
@pytest.mark.parametrize("year", [0, 1999, 99999])
def test_a_year_out_of_range_is_refused_with_a_message(command, year):
    with pytest.raises(CommandError, match="年度须在 2000 到 2100 之间"):
        call_command(command, "--year", str(year))
