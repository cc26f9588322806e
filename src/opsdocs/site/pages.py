"""The rendered page is part of the model (:mod:`opsdocs.project.pages`): checks read it without importing
the renderer. This name stays for callers that import it from here."""

from opsdocs.project.pages import RenderedPage

__all__ = ["RenderedPage"]
