"""Read the figures stamp's tokens once per read-only request (figures_stamp)."""

from .figures_stamp import tokens_read_once

READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


class TokensReadOncePerRead:
    """Serve a GET or HEAD request with the stamp's tokens read at most once.

    A page keeps several values under the tokens (its row count, the region options, the
    figures, a score): each asked for the tokens again, one query each, for a request that
    writes nothing (tests/test_reading_never_writes.py holds every page to that). Requests
    that may write read the tokens every time, so a value is never kept under a token read
    before the request's own write. A streamed response is drawn after this returns, and so
    reads the tokens each time it asks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_ONLY_METHODS:
            return self.get_response(request)
        with tokens_read_once():
            return self.get_response(request)
