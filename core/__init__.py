"""Small building blocks every app may import; this package imports no app (STYLE: core ← accounts ← …)."""
