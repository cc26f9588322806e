"""opsdocs: deployment docs that test themselves."""

from opsdocs.errors import CheckFailed, ConfigError, EnvironmentProblem, OpsdocsError, PageError
from opsdocs.project.load import load_project
from opsdocs.project.model import Project

__all__ = [
    "CheckFailed",
    "ConfigError",
    "EnvironmentProblem",
    "OpsdocsError",
    "PageError",
    "Project",
    "load_project",
]
__version__ = "0.1.0"
