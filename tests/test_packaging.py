"""What a clone ships: a distribution name of its own, the licence it claims, a changelog with releases."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from quotecheck import __version__

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_distribution_is_not_the_unrelated_quotecheck_on_pypi() -> None:
    # `quotecheck` on PyPI is another project with its own `quotecheck` command; ours is quotecheck-db
    assert PROJECT["name"] == "quotecheck-db"
    assert PROJECT["scripts"] == {"quotecheck": "quotecheck.cli:main"}
    assert PROJECT["version"] == __version__


def test_no_extra_pulls_a_distribution_called_quotecheck() -> None:
    for extra, requirements in PROJECT["optional-dependencies"].items():
        for requirement in requirements:
            name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()
            assert name not in {"quotecheck", "quotecheck-db", "quotecheck_db"}, (extra, requirement)


def test_the_license_file_is_the_mit_license_pyproject_names() -> None:
    assert PROJECT["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text


def test_the_changelog_has_released_versions_with_dates() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings[0] == "Unreleased"
    released = [h for h in headings[1:] if re.fullmatch(r"\d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)", h)]
    assert released, headings
    assert released[0].startswith(__version__)
    assert "../shared" not in text
