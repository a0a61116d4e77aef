"""The on-disk format and its readers: the only package that imports Whoosh."""
