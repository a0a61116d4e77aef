"""Raw text and Markdown: today's decoding, one Paragraph per non-blank line."""

from __future__ import annotations

from archive.document import Document, Paragraph
from archive.read import decode_bytes

__all__ = ["read_text_document"]


def read_text_document(data: bytes, name: str, markdown: bool | None = None) -> Document:
    """A text or Markdown file as a Document; `source` keeps the decoded text for today's parsers."""
    from archive.parse import is_markdown  # parse.py imports the readers: import here, not at the top

    text = decode_bytes(data, name)
    is_md = is_markdown(text, name) if markdown is None else markdown
    paragraphs = tuple(Paragraph(line.strip()) for line in text.split("\n") if line.strip())
    return Document(name=name, format="markdown" if is_md else "text", paragraphs=paragraphs, source=text)
