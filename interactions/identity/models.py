"""The identity app's tables (single sign-on role mapping, API tokens)."""
