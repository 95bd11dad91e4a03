"""The REST API under /api/ (DESIGN §6): personal tokens, error shape, read endpoints."""
