"""aix import: a Word document without aix's markers into house-style Markdown (pandoc in the middle)."""
