"""Merging section PDFs into one document with an outline and metadata (pypdf)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject

PDF_MAGIC = b"%PDF"

OutlineRef = IndirectObject


@dataclass(frozen=True)
class DocumentInfo:
    """Document metadata written into the merged PDF."""

    title: str
    subject: str
    created_at: datetime
    author: str = "schedbot"


def readable_pdf(data: bytes | None) -> PdfReader | None:
    """A reader for ``data`` when it is a PDF pypdf can open with at least one page, else ``None``.

    Encrypted files are accepted only if they open with an empty password.
    """
    if not data or not data.lstrip()[:8].startswith(PDF_MAGIC):
        return None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        if len(reader.pages) == 0:
            return None
        for page in reader.pages:
            _ = page.mediabox
    except Exception:  # pypdf raises many exception types on malformed input
        return None
    return reader


def pdf_date(moment: datetime) -> str:
    """A PDF date string ('D:YYYYMMDDHHmmSS+HH'mm'') for ``moment``."""
    text = f"D:{moment:%Y%m%d%H%M%S}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}'{mins:02d}'"


class PacketAssembler:
    """Appends PDFs in order and bookmarks the first page of each appended part."""

    def __init__(self) -> None:
        self._writer = PdfWriter()

    @property
    def page_count(self) -> int:
        """Pages appended so far."""
        return len(self._writer.pages)

    def append(self, pdf: bytes | PdfReader, title: str | None = None,
               parent: OutlineRef | None = None) -> OutlineRef | None:
        """Append every page of ``pdf``; bookmark its first page as ``title`` under ``parent``."""
        reader = pdf if isinstance(pdf, PdfReader) else PdfReader(io.BytesIO(pdf))
        first = self.page_count
        for page in reader.pages:
            self._writer.add_page(page)
        if title is None:
            return None
        return self.bookmark(title, first, parent)

    def bookmark(self, title: str, page_index: int, parent: OutlineRef | None = None) -> OutlineRef:
        """An outline item pointing at ``page_index`` (already appended)."""
        return self._writer.add_outline_item(title=title, page_number=page_index, parent=parent)

    def finish(self, info: DocumentInfo) -> bytes:
        """The merged PDF with metadata; the viewer opens with the outline shown."""
        self._writer.add_metadata({
            "/Title": info.title,
            "/Author": info.author,
            "/Subject": info.subject,
            "/Creator": info.author,
            "/CreationDate": pdf_date(info.created_at),
            "/ModDate": pdf_date(info.created_at),
        })
        self._writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        self._writer.write(out)
        return out.getvalue()
