"""What ships with the package: its SQL (`sql/`), its data files (`wiredesk/data/`) and its models (`models/`),
found through package resources rather than by walking up from a source file. A worker that installed wiredesk
as a package (a Ray runtime environment, a container image) finds them in site-packages; a checkout finds them
in place. The models' folder is a setting, WIREDESK_MODELS_DIR, for weights kept elsewhere (shared storage).
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

MODELS_DIR_VARIABLE = "WIREDESK_MODELS_DIR"


def sql_text(path: str) -> str:
    """The text of a shipped SQL file: `sql_text("publish/entities.sql")`."""
    return resources.files("sql").joinpath(*path.split("/")).read_text(encoding="utf-8")


def sql_folder(folder: str) -> list[Traversable]:
    """The `.sql` files of a shipped SQL folder ("views"), by name."""
    files = resources.files("sql").joinpath(folder).iterdir()
    return sorted((f for f in files if f.name.endswith(".sql")), key=lambda f: f.name)


def sql_dir() -> Path:
    """The shipped SQL folder itself (for tools that list it, and for shipping it to cluster workers)."""
    return Path(str(resources.files("sql")))


def data_file(name: str) -> Path:
    """A shipped data file of the package: `data_file("tone_lexicon.csv")`."""
    return Path(str(resources.files("wiredesk").joinpath("data", name)))


def package_dir() -> Path:
    """The installed package's own folder (its code and data files)."""
    return Path(str(resources.files("wiredesk")))


def models_dir() -> Path:
    """Where the trained models are: WIREDESK_MODELS_DIR, else the shipped `models` folder."""
    configured = os.environ.get(MODELS_DIR_VARIABLE)
    return Path(configured) if configured else Path(str(resources.files("models")))
