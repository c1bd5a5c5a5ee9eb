"""Signals the layers above listen to: core cannot import the audit trail, which sits above it."""

from django.dispatch import Signal

# A list page was served, or exported (export_format "csv"/"xlsx"). Sent with request,
# name (the list's title), filters (the query), export_format (None for the page itself),
# rows (how many rows the page or file holds) and purpose (why the list holds personal data;
# "" when it holds none). The audit trail records exports and views of personal data.
list_served = Signal()
