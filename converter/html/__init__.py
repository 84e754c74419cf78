"""Writer: HTML for aix html, the PDF and handouts; raw HTML sanitized, links resolved through the model."""
