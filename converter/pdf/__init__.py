"""Writer: the release PDF (parts rendered by WeasyPrint in parallel, merged with pikepdf) and handouts."""
