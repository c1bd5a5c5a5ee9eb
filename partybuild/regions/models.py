"""The region tree: city → district/county → street/town, with a materialised path."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .paths import is_within_path


class Region(models.Model):
    """An administrative division: city → district/county → street/town."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区县")
        STREET = "street", _("街道乡镇")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    # Materialised ancestry "/430900/430902/": a subtree is one indexed prefix filter.
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)

    # The tables keep the names they had when regions lived in the organisation app.
    history = HistoricalRecords(table_name="organisation_historicalregion")

    class Meta:
        db_table = "organisation_region"
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def is_within(self, other: "Region") -> bool:
        return is_within_path(self.path, other.path)

