"""Uploaded files: the content type is read from the bytes, never trusted from the client."""

from __future__ import annotations

import os
import uuid

from django.core.files.uploadedfile import UploadedFile

# Magic numbers of the types Samsyn accepts (PDF and images).
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


# The stored file's extension comes from the sniffed type, never from the client's name.
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
MAX_ORIGINAL_NAME = 200


def stored_name(content_type: str) -> str:
    """A random file name with the extension of the sniffed type: the client's name is
    never part of a path (it is kept as data, see `original_name`)."""
    return f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"


def original_name(upload: UploadedFile, default: str) -> str:
    """The client's file name without any directory part, shortened: data to show, never
    a path."""
    name = os.path.basename((upload.name or "").replace("\\", "/")).strip()
    return (name or default)[:MAX_ORIGINAL_NAME]


def download_name(original: str, content_type: str, default: str) -> str:
    """The name a download is offered under: the client's name with the extension of the
    type its bytes show (a PDF uploaded as `scan.html` downloads as `scan.pdf`)."""
    stem = os.path.splitext(original)[0].strip() or default
    return f"{stem}{EXTENSIONS.get(content_type, '')}"


def prepare_upload(upload: UploadedFile, content_type: str, default: str) -> str:
    """Rename `upload` for storage (random name, sniffed extension); returns the client's
    original name to keep as data."""
    original = original_name(upload, default)
    upload.name = stored_name(content_type)
    return original


def sniff_content_type(upload: UploadedFile) -> str:
    """The type the file's first bytes show, or "" when it is none of the accepted ones."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return ""
