"""Writer: the release PDF (chapters rendered by WeasyPrint in parallel, pages joined with pikepdf) and handouts."""
