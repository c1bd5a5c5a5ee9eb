"""`{% load masking %}` then `{{ phone|mask_phone }}`."""

from partybuild.core.masking import register  # noqa: F401
