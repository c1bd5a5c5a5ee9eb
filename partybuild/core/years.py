"""The years the application works with: anything outside is a 404, never a row."""

# A page for year 0 or 99999 answers 404, and no rubric row is ever made for one. It lives
# in core because visits (months) and scoring (years) both need it and scoring sits above.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR
