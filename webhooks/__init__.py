"""Outgoing webhooks (docs/webhooks.md): signed HTTP POSTs to the URLs ops configures, one per event and
endpoint, retried with backoff and logged. Apps above call ``webhooks.services.emit``; this app imports
only ``core``, ``accounts`` (the rights) and Django."""
