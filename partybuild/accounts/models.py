"""Users, their role and their home region."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", "党委工作人员"
        INSTRUCTOR = "instructor", "党建指导员"
        REVIEWER = "reviewer", "年检评审人员"
        ADMIN = "admin", "系统管理员"

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.STAFF)
    region = models.ForeignKey(
        "organisation.Region", verbose_name="所属区划", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
        help_text="用户可查看本区划及其下级区划的全部记录。",
    )
    display_name = models.CharField("姓名", max_length=60, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def can_edit_structure(self) -> bool:
        return self.is_active and self.role in {self.Role.STAFF, self.Role.ADMIN}

    @property
    def can_view_structure(self) -> bool:
        return self.is_active and self.role in {self.Role.STAFF, self.Role.REVIEWER, self.Role.ADMIN}

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR
