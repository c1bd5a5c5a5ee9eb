"""Proof that a rejected write changed nothing: every visit-area row, history row and file."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from partybuild.visits.models import Clue, Hazard, HazardEvidence, Visit, VisitEvidence

from .conftest import stored_files

WITH_HISTORY = (Visit, Hazard, Clue)
EVIDENCE = (VisitEvidence, HazardEvidence)


def database_state() -> dict:
    state = {model._meta.label: list(model.objects.order_by("pk").values())
             for model in (*WITH_HISTORY, *EVIDENCE)}
    state.update({f"{model._meta.label} history": model.history.count()
                  for model in WITH_HISTORY})
    state["files"] = stored_files(settings.MEDIA_ROOT)
    return state


def message_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@contextmanager
def rejected(phrase: str, error: type[Exception] = ValidationError):
    """Expect the block to raise `error` saying `phrase`, leaving the database as it was."""
    before = database_state()
    with pytest.raises(error) as info:
        yield info
    assert phrase in message_of(info.value), message_of(info.value)
    assert database_state() == before


@contextmanager
def refused(phrase: str):
    with rejected(phrase, PermissionDenied) as info:
        yield info
