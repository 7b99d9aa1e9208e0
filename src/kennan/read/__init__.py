"""Reading source documents: FRUS TEI and plain text to numbered paragraphs and metadata.

>>> from kennan.read import load_document
>>> doc = load_document("telegram.txt")
>>> doc.paragraph(1).text[:12]
'208. Kentel.'
"""

from kennan.read.document import Document, Footnote, Paragraph, Reference
from kennan.read.loading import MAX_BYTES, load_document

__all__ = ["MAX_BYTES", "Document", "Footnote", "Paragraph", "Reference", "load_document"]
