"""The demo company ``make run`` shows: a deterministic generator (``company``) and its closed quarters
(``quarters``), over the same services operations uses. It sits above every domain app; no app imports it."""
