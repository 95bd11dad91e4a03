"""The segment, member and task pages: /segments/, /segments/<code>/, /tasks/ (docs/design.md §10.5,
§10.6)."""
