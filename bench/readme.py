"""Put a benchmark's latest table into README.md, between its markers."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def replace_between(name: str, text: str, readme: Path = README) -> bool:
    """Replace what stands between ``<!-- name -->`` and ``<!-- /name -->``; False if
    the README or its markers are missing (nothing is written then)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    if not readme.is_file():
        return False
    content = readme.read_text("utf-8")
    if start not in content or end not in content:
        return False
    before, rest = content.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(f"{before}{start}\n{text.strip()}\n\n{end}{after}", "utf-8")
    return True
