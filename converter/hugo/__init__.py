"""Reader: a Hugo site root (config, front matter, page order), its Markdown as goldmark reads it, shortcodes."""
