"""Bundles the MkDocs project template (site/) and the open-data table schemas
(schemas/tables/) into the package as builder/bundled/, so an installed `dap` works on a
folder holding only data/. Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = {"site": HERE / "site", "tables": HERE / "schemas" / "tables"}
SKIP = shutil.ignore_patterns("docs", "_build", "__pycache__")  # a build's output, not the template


class BuildWithBundle(build_py):
    """build_py, plus the two folders copied into builder/bundled/."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout itself
            return
        for name, source in BUNDLED.items():
            target = Path(self.build_lib) / "builder" / "bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithBundle})
