"""Corpus → index: the full build, `bulletins add`, reading on other machines."""
