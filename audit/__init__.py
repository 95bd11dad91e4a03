"""The audit trail (issue 4 §5): who changed what, when, before and after — and the page that shows it."""
