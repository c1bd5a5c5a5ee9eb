"""Uploaded files waiting between the dry run and the user's confirmation.

The bytes go to a private file under MEDIA_ROOT/imports-pending named by a random token
(never by the user's file name); the session remembers the token with the kind, the file
name, a SHA-256 of the bytes and the user. Confirming claims the file by renaming it, so
a double click imports once; files left unconfirmed for a day are removed on later uploads.
"""

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SESSION_KEY = "imports_pending"
MAX_AGE_SECONDS = 24 * 3600
SUFFIX = ".upload"


@dataclass(frozen=True)
class PendingUpload:
    kind: str
    filename: str
    data: bytes


def pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports-pending"


def pending_save(*, session, user, kind: str, filename: str, data: bytes) -> str:
    """Keep the uploaded bytes until the user confirms; the token that confirms them."""
    pending_expire()
    directory = pending_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    descriptor = os.open(directory / f"{token}{SUFFIX}", os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    entries = _fresh_entries(session)
    entries[token] = {"kind": kind, "filename": filename, "user": user.pk,
                      "sha256": hashlib.sha256(data).hexdigest(), "created": time.time()}
    session[SESSION_KEY] = entries
    return token


def pending_take(*, session, user, token: str) -> PendingUpload | None:
    """Claim a waiting upload of this user and session; None when it is gone or not theirs."""
    entries = session.get(SESSION_KEY, {})
    entry = entries.get(token)
    if entry is None or entry["user"] != user.pk:
        return None
    _forget(session, token)
    path = pending_dir() / f"{token}{SUFFIX}"
    claimed = path.with_suffix(".claimed")
    try:
        # An atomic rename: of two confirmations sent at once, only one finds the file.
        path.rename(claimed)
    except FileNotFoundError:
        return None
    try:
        data = claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return None
    return PendingUpload(kind=entry["kind"], filename=entry["filename"], data=data)


def pending_discard(*, session, user, token: str) -> None:
    """Drop a waiting upload the user decided not to import."""
    entry = session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry["user"] != user.pk:
        return
    _forget(session, token)
    (pending_dir() / f"{token}{SUFFIX}").unlink(missing_ok=True)


def pending_expire(now: float | None = None, directory: Path | None = None) -> int:
    """Remove files waiting longer than a day (uploads never confirmed); how many went."""
    directory = directory or pending_dir()
    if not directory.is_dir():
        return 0
    cutoff = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            # Another request claimed or removed it meanwhile.
            continue
    return removed


def _fresh_entries(session) -> dict:
    cutoff = time.time() - MAX_AGE_SECONDS
    return {token: entry for token, entry in session.get(SESSION_KEY, {}).items()
            if entry.get("created", 0) >= cutoff}


def _forget(session, token: str) -> None:
    entries = dict(session.get(SESSION_KEY, {}))
    entries.pop(token, None)
    session[SESSION_KEY] = entries


# The full list of a file's problems, downloadable from the result page (which shows only
# the first ones, so that a file with 100,000 bad rows does not make a 100 MB page).
ERRORS_SESSION_KEY = "imports_errors"


def errors_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports-errors"


def errors_save(*, session, user, content: bytes) -> str:
    """Keep the problem list of one upload for this user and session; its token."""
    directory = errors_dir()
    pending_expire(directory=directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    descriptor = os.open(directory / f"{token}.csv", os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    cutoff = time.time() - MAX_AGE_SECONDS
    entries = {key: entry for key, entry in session.get(ERRORS_SESSION_KEY, {}).items()
               if entry.get("created", 0) >= cutoff}
    entries[token] = {"user": user.pk, "created": time.time()}
    session[ERRORS_SESSION_KEY] = entries
    return token


def errors_load(*, session, user, token: str) -> bytes | None:
    """The saved problem list, when the token is this user's in this session and not expired."""
    entry = session.get(ERRORS_SESSION_KEY, {}).get(token)
    if entry is None or entry["user"] != user.pk:
        return None
    try:
        return (errors_dir() / f"{token}.csv").read_bytes()
    except FileNotFoundError:
        return None
