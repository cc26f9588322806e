"""The wheel carries the pinned mermaid (MIT): copied from node_modules (npm ci) when the wheel is built.

Everything else is in pyproject.toml. The guides' hooks use this copy when the project has no mermaid of
its own, so an installed opsdocs builds an offline site without any npm package.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MERMAID = Path(__file__).resolve().parent / "node_modules" / "mermaid"


class BuildWithMermaid(build_py):
    def run(self) -> None:
        super().run()
        if not (MERMAID / "dist" / "mermaid.min.js").is_file():
            print("warning: node_modules/mermaid missing (run npm ci): the wheel will not carry mermaid")
            return
        dest = Path(self.build_lib) / "opsdocs" / "guides" / "vendor"
        dest.mkdir(parents=True, exist_ok=True)
        self.copy_file(str(MERMAID / "dist" / "mermaid.min.js"), str(dest / "mermaid.min.js"))
        self.copy_file(str(MERMAID / "LICENSE"), str(dest / "mermaid.LICENSE"))


setup(cmdclass={"build_py": BuildWithMermaid})
