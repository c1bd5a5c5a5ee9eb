"""The demo's visit checks pin "today" the way the visit tests do: the same fixture."""

from tests.visits.conftest import frozen_today  # noqa: F401  (a fixture, used by name)
