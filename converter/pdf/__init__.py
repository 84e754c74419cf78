"""The release PDF: the document in parts rendered by WeasyPrint in parallel, merged with pikepdf."""
