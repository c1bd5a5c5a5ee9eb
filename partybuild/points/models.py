"""The red-list points ledger (红名单积分): signed entries per institution, append-only."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointEntryQuerySet(models.QuerySet):
    """Bulk writes that would rewrite the ledger are refused, like the per-row ones."""

    def update(self, **kwargs):
        raise ValidationError(_("积分记录只能新增，不能修改；请录入一条更正记录。"))

    def delete(self):
        raise ValidationError(_("积分记录不能删除；请录入一条更正记录。"))


class PointEntry(models.Model):
    """A signed red-list points entry. The ledger is append-only: corrections are new entries."""

    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="point_entries")
    date = models.DateField(_("日期"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("事由"), max_length=300)
    corrects = models.OneToOneField("self", verbose_name=_("更正的记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="correction")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("红名单积分")
        verbose_name_plural = _("红名单积分")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "date", "reason"],
                                    name="point_entry_natural_key"),
            models.CheckConstraint(condition=~Q(points=0), name="point_entry_points_not_zero",
                                   violation_error_message=_("分值不能为0。")),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.date} {self.points:+}"

    def save(self, *args, **kwargs):
        # Guard, not a side effect: the ledger must never be rewritten in place.
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("积分记录只能新增，不能修改；请录入一条更正记录。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("积分记录不能删除；请录入一条更正记录。"))

    @property
    def is_corrected(self) -> bool:
        """Whether a reversing entry points at this one (select_related "correction" first)."""
        return hasattr(self, "correction")
