"""A failing file store answers with a message, not a bare 500."""

import errno
import logging

from django.shortcuts import render

logger = logging.getLogger(__name__)

# What a read-only, full or vanished media store raises; other OSErrors stay server errors.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT,
                  errno.EIO, errno.ENOENT}


class StorageFailureMiddleware:
    """Turn a storage OSError that escaped a view into a 503 page that says what happened.

    The services write inside transactions that the exception has already rolled back, so
    the page can say truthfully that nothing was changed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OSError) or exception.errno not in STORAGE_ERRNOS:
            return None
        logger.error("File storage failed on %s: %s", request.path, exception)
        return render(request, "core/storage_error.html", status=503)
