"""Uploaded files: the content type is read from the bytes, never trusted from the client."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

# Magic numbers of the types Samsyn accepts (PDF and images).
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


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
