"""Users, roles, passwords and API tokens (no web code here)."""
