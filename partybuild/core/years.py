"""The years the application works with: anything outside is a 404, never a row."""

# A page for year 0 or 99999 answers 404, and no rubric row is ever made for one. It lives
# in core because visits (months) and scoring (years) both need it and scoring sits above.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def year_from_option(year: int) -> int:
    """--year of a command: a year outside the range is refused with exit status 1 and a
    message, not a traceback from deeper down."""
    from django.core.management.base import CommandError

    if not year_in_range(year):
        raise CommandError(f"年度须在 {FIRST_YEAR} 到 {LAST_YEAR} 之间，收到 {year}。")
    return year
