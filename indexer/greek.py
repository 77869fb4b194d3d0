"""Greek as today's news spells it in Latin letters (ELOT 743, the modern reading).

unidecode reads Greek the classical way (Μητσοτάκης -> Metsotakes); the press writes
the modern sounds: η, ι and υ are i or y, β is v, αυ and ευ av and ev (af, ef before
a voiceless consonant), μπ and ντ b and d at the start of a word (Mitsotakis,
Kyriakos, Evropi, Bakoyannis).
"""

from __future__ import annotations

import re
import unicodedata

_LETTERS = str.maketrans(
    {
        "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
        "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
        "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
        "ω": "o",
    }
)  # fmt: skip
_START = re.compile(r"\b(?:μπ|ντ|γκ)")
_VOICELESS = "θκξπσςτφχψ"
_AV = re.compile(f"([αεη])υ(?=([{_VOICELESS}])?)")


def greek_to_latin(text: str) -> str:
    """A word in Greek letters, in the Latin letters of the modern reading, lower-case."""
    text = unicodedata.normalize("NFD", text.lower())
    # A diaeresis says the vowel stands alone (Προϋπολογισμός: pro-y-, not prou-): it
    # is read as a letter no digraph takes before the other accents go.
    text = text.replace("υ\u0308", "ÿ").replace("ι\u0308", "ï")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _START.sub(lambda m: {"μπ": "b", "ντ": "d", "γκ": "g"}[m.group()], text)
    text = _AV.sub(lambda m: m.group(1) + ("f" if m.group(2) else "v"), text)
    text = text.replace("ου", "ou").replace("γγ", "ng")
    return text.translate(_LETTERS).replace("ÿ", "y").replace("ï", "i")
