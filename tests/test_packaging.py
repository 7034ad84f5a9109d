"""The project's set-up files agree with each other."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def names(requirements):
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = names(project["dependencies"]) | names(project["optional-dependencies"]["test"])
    text = (ROOT / "environment.yml").read_text()
    listed = text.split("dependencies:", 1)[1].splitlines()
    conda = [line[4:] for line in listed if re.match(r"^  - [a-z][^:]*$", line)]
    assert names(conda) - {"python", "pip"} == declared
    assert "      - -e ." in (ROOT / "environment.yml").read_text().splitlines()
