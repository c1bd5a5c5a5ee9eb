"""Proof that a rejected write changed nothing: every structure row and history row, compared."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partybuild.instructors.models import Assignment, Instructor
from partybuild.organisation.models import (
    Branch,
    Committee,
    Coverage,
    Institution,
    Member,
    Membership,
    Pairing,
    SchoolBranch,
)
from partybuild.regions.models import Region

STRUCTURE_MODELS = (Region, Committee, Institution, Branch, Coverage, Member, Membership,
                    SchoolBranch, Pairing, Instructor, Assignment)


def database_state() -> dict:
    """Every field of every structure row, and how many history rows each table has."""
    return {
        model._meta.label: (list(model.objects.order_by("pk").values()),
                            model.history.count())
        for model in STRUCTURE_MODELS
    }


def message_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@contextmanager
def rejected(phrase: str, error: type[Exception] = ValidationError):
    """Expect the block to raise `error` saying `phrase`, leaving the database exactly as it was."""
    before = database_state()
    with pytest.raises(error) as info:
        yield info
    assert phrase in message_of(info.value), message_of(info.value)
    assert database_state() == before


@contextmanager
def refused():
    """Expect the block to be refused to a user who may not change the structure."""
    with rejected("只有党委工作人员和系统管理员可以修改组织架构", PermissionDenied) as info:
        yield info
