"""Reading source documents: FRUS TEI and plain text to numbered paragraphs and metadata.

    from kennan.read import load_document
    doc = load_document("telegram.txt")    # or a FRUS TEI file; document="d23" for a volume
    doc.paragraph(1).text                  # paragraph 1 of the body
"""

from kennan.read.document import Document, Footnote, Paragraph, Reference
from kennan.read.loading import MAX_BYTES, load_document

__all__ = ["MAX_BYTES", "Document", "Footnote", "Paragraph", "Reference", "load_document"]
