"""The ``diming`` command: a thin face over the services (no logic of its own)."""

from cli.main import main

__all__ = ["main"]
