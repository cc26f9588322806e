"""Reports: JSON, JUnit XML, GitHub step summary and annotations, terminal output."""

from opsdocs.report.finding import Finding

__all__ = ["Finding"]
