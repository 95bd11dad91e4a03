"""The write paths of SPIFFs (docs/design.md §11.3): one transaction each, rights asked of
``accounts.access``, every step recorded as a ``SpiffEvent``."""
