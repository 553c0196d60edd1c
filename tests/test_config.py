"""Settings files: defaults, dairly.toml, [tool.dairly], and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dairly.config import Settings, load_settings
from dairly.errors import InputError

from .conftest import write


def test_defaults_reproduce_the_seed_format(tmp_path: Path):
    assert load_settings(tmp_path) == Settings()


def test_dairly_toml_overrides(tmp_path: Path):
    write(tmp_path, "dairly.toml", 'notes_dir = "daily"\ncommit-message = "notes {date}"\n')
    settings = load_settings(tmp_path)
    assert (settings.notes_dir, settings.commit_message) == ("daily", "notes {date}")


@pytest.mark.parametrize(
    "table",
    [
        '[tool.dairly]\ndate_label = "Updated"\n',
        '[ tool . "dairly" ]\ndate_label = "Updated"\n',
        '[tool]\ndairly = { date_label = "Updated" }\n',
        'tool.dairly.date_label = "Updated"\n[project]\nname = "x"\n',
        'tool = { dairly = { date_label = "Updated" } }\n',
    ],
)
def test_pyproject_table(tmp_path: Path, table: str):
    write(tmp_path, "pyproject.toml", f"{table}\n[other]\nline-length = 99\n")
    assert load_settings(tmp_path).date_label == "Updated"


def test_pyproject_without_a_dairly_table_is_not_parsed(tmp_path: Path):
    # Invalid TOML, but it cannot hold [tool.dairly], so the defaults stand without a parse.
    write(tmp_path, "pyproject.toml", '[project]\nname = "dairly"\nbroken = \n[tool.ruff]\n')
    assert load_settings(tmp_path) == Settings()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('colour = "red"\n', "dairly.toml: unknown setting 'colour'"),
        ("readme = 3\n", "dairly.toml: setting 'readme' must be a non-empty string"),
        ('title_template = "{nope}"\n', "dairly.toml: setting 'title_template' is not a valid template"),
        ('notes_dir = "../elsewhere"\n', "dairly.toml: setting 'notes_dir' must be a path inside the repository"),
        ("readme = \n", "dairly.toml: invalid TOML"),
    ],
)
def test_bad_settings_name_the_problem(tmp_path: Path, content: str, message: str):
    write(tmp_path, "dairly.toml", content)
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert str(info.value).startswith(message)
