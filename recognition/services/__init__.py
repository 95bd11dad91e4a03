"""The write paths of contests and nudges (docs/design.md §11.5): one transaction each, rights asked of
``accounts.access``."""
