"""The `bulletins` command: drives the archive, the indexer and the web page."""
