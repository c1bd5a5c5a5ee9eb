"""The client address that login throttling counts failures against."""

from django.conf import settings


def client_ip(request) -> str:
    """The address the request came from, read through the configured number of proxies.

    Only the entries our own proxies appended to X-Forwarded-For are trusted: anything further
    left was written by the client and would let an attacker pick a fresh address per attempt.
    """
    proxies = settings.PARTYBUILD_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
