"""Where the index lives by default (kept apart from the index code so the CLI starts fast)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

INDEX_ENV = "VEILLE_INDEX"


def default_index_dir() -> Path:
    """The per-user data folder: $XDG_DATA_HOME/veille/index on Linux."""
    if sys.platform.startswith("linux") or os.environ.get("XDG_DATA_HOME"):
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        return base / "veille" / "index"
    import click

    return Path(click.get_app_dir("veille")) / "index"
