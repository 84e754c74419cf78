"""aix: the document toolchain of the OWASP AI Exchange."""
