"""Uploaded metrics files kept on disk between the preview and the confirmation (any worker may serve either);
a refused file is removed at once, an unconfirmed one by `purge_uploads` after the retention period."""
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

UPLOAD_DIR = "metric-imports"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class StoredUpload:
    token: str
    folder: Path
    year: int
    indonesian_numbers: bool
    filename: str
    user_id: int

    @property
    def path(self):
        return self.folder / "upload"

    @property
    def problems_path(self):
        return self.folder / "problems.csv"


def uploads_root():
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR


def upload_store(*, uploaded_file, year, indonesian_numbers, user):
    """Save an uploaded file with what the preview was asked for; return it with its new token."""
    token = secrets.token_hex(16)
    folder = uploads_root() / token
    folder.mkdir(parents=True)
    with open(folder / "upload", "wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    meta = {"year": year, "indonesian_numbers": indonesian_numbers, "filename": uploaded_file.name,
            "user_id": user.pk}
    (folder / "meta.json").write_text(json.dumps(meta))
    return StoredUpload(token=token, folder=folder, **meta)


def upload_get(token, *, user):
    """The stored upload for `token` if it exists and `user` made it, else None."""
    if not TOKEN.match(token or ""):
        return None
    folder = uploads_root() / token
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    if meta.get("user_id") != user.pk:
        return None
    return StoredUpload(token=token, folder=folder, **meta)


def upload_delete(upload):
    shutil.rmtree(upload.folder, ignore_errors=True)


def upload_discard_file(upload):
    """Remove a refused upload's file at once; its problems list stays (for download) until the purge."""
    upload.path.unlink(missing_ok=True)


def upload_purge(*, now=None):
    """Remove the uploads older than the retention period (previews never confirmed); return their tokens."""
    root = uploads_root()
    if not root.is_dir():
        return []
    limit = (now or time.time()) - settings.PARITRANA_UPLOAD_RETENTION_HOURS * 3600
    removed = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed
