"""Uploaded files kept between the upload, its check, and the confirmed import, in Django's storage (the
file system by default, an S3-compatible store when several machines serve the app), so that the web
process that received the file and the worker that reads it may be on different machines.

A file lives under `uploads/<token>/`: `upload` (the file as sent) and, when its check found problems,
`problems.csv`. A confirmed import removes the folder; a refused file goes at once (its problems stay for
download); an upload never confirmed is removed by `purge_uploads` after the retention period."""
import datetime
import re
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

UPLOAD_DIR = "uploads"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _name(token, part):
    if not TOKEN.match(token or ""):
        raise ValueError(token)
    return f"{UPLOAD_DIR}/{token}/{part}"


def upload_store(uploaded_file):
    """Keep an uploaded file; return its new token."""
    token = secrets.token_hex(16)
    default_storage.save(_name(token, "upload"), uploaded_file)
    return token


@contextmanager
def upload_local_path(token):
    """A path on this machine to the stored upload: the file itself on the file system, else a copy that
    goes when the block ends. FileNotFoundError when it is gone."""
    name = _name(token, "upload")
    if not default_storage.exists(name):
        raise FileNotFoundError(name)
    path = _local(name)
    if path is not None:
        yield path
        return
    with default_storage.open(name, "rb") as source, tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield copy.name


def _local(name):
    """The path of a stored file on this machine, or None for a remote store."""
    try:
        return default_storage.path(name)
    except NotImplementedError:
        return None


def problems_save(token, local_path):
    """Keep the CSV of an upload's problems (written locally by the importer) beside the upload."""
    name = _name(token, "problems.csv")
    default_storage.delete(name)
    with open(local_path, "rb") as handle:
        default_storage.save(name, File(handle))


def problems_open(token):
    """The stored CSV of an upload's problems, opened for reading, or None."""
    name = _name(token, "problems.csv")
    return default_storage.open(name, "rb") if default_storage.exists(name) else None


def upload_discard_file(token):
    """Remove a refused upload's file at once; its problems list stays (for download) until the purge."""
    default_storage.delete(_name(token, "upload"))
    _tidy(token)


def upload_delete(token):
    for part in ("upload", "problems.csv"):
        default_storage.delete(_name(token, part))
    _tidy(token)


def _tidy(token):
    """The file system keeps a folder whose files are gone: remove it when empty."""
    folder = _local(f"{UPLOAD_DIR}/{token}")
    if folder is not None:
        try:
            Path(folder).rmdir()
        except OSError:  # not empty, or gone already
            pass


def upload_purge(*, now=None):
    """Remove the uploads older than the retention period (checked but never confirmed); return their tokens."""
    if not default_storage.exists(UPLOAD_DIR):
        return []
    limit = (now or timezone.now()) - datetime.timedelta(hours=settings.PARITRANA_UPLOAD_RETENTION_HOURS)
    folders, _files = default_storage.listdir(UPLOAD_DIR)
    removed = []
    for token in sorted(folders):
        if not TOKEN.match(token):
            continue
        _none, parts = default_storage.listdir(f"{UPLOAD_DIR}/{token}")
        names = [f"{UPLOAD_DIR}/{token}/{part}" for part in parts]
        if all(default_storage.get_modified_time(name) < limit for name in names):
            for name in names:
                default_storage.delete(name)
            folder = _local(f"{UPLOAD_DIR}/{token}")
            if folder is not None:  # the file system keeps empty folders
                shutil.rmtree(folder, ignore_errors=True)
            removed.append(token)
    return removed
