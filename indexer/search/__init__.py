"""The query language and its evaluation: parser, compiler, evaluator, ranking, snippets, suggestions, related articles."""
