"""Outputs of a search: parameters, facet links, page and issue dicts, exports, the feed, the series report, the settings table."""
