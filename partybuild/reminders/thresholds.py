"""The thresholds of the rules: the settings, unless a region up the tree overrides one."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from .models import RegionThresholds

FIELDS = ("visit_from_day", "hazard_due_days", "hazard_escalate_days", "clue_review_days",
          "inspection_from", "cadence_window_days")


@dataclass(frozen=True)
class Thresholds:
    visit_from_day: int
    hazard_due_days: int
    hazard_escalate_days: int
    clue_review_days: int
    inspection_from: str  # "MM-DD"
    cadence_window_days: int

    def inspection_start(self, year: int) -> date:
        month, day = (int(part) for part in self.inspection_from.split("-"))
        return date(year, month, day)


def defaults() -> Thresholds:
    return Thresholds(
        visit_from_day=settings.PARTYBUILD_REMINDER_VISIT_FROM_DAY,
        hazard_due_days=settings.PARTYBUILD_REMINDER_HAZARD_DUE_DAYS,
        hazard_escalate_days=settings.PARTYBUILD_REMINDER_HAZARD_ESCALATE_DAYS,
        clue_review_days=settings.PARTYBUILD_REMINDER_CLUE_REVIEW_DAYS,
        inspection_from=settings.PARTYBUILD_REMINDER_INSPECTION_FROM,
        cadence_window_days=settings.PARTYBUILD_REMINDER_CADENCE_WINDOW_DAYS,
    )


def ancestor_paths(path: str) -> list[str]:
    """"/430900/430903/" → ["/430900/430903/", "/430900/"]: the region, then up the tree."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[:n]) + "/" for n in range(len(codes), 0, -1)]


class ThresholdBook:
    """Every region's thresholds, read in one query and resolved by region path."""

    def __init__(self):
        self.base = defaults()
        self.overrides = {row.region.path: row
                          for row in RegionThresholds.objects.select_related("region")}
        self._cache: dict[str, Thresholds] = {}

    def for_path(self, path: str) -> Thresholds:
        if path not in self._cache:
            values = {}
            for name in FIELDS:
                value = getattr(self.base, name)
                for candidate in ancestor_paths(path):
                    row = self.overrides.get(candidate)
                    if row is not None and getattr(row, name) not in (None, ""):
                        value = getattr(row, name)
                        break
                values[name] = value
            self._cache[path] = Thresholds(**values)
        return self._cache[path]
