"""The bundled sample articles: the corpus a new user searches by default."""

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
