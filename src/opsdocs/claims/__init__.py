"""Claims and their sources: the data file, the page macros, the markers, the wrangler bundle check."""

from opsdocs.claims._bundle import WranglerBundle
from opsdocs.claims._markers import Marker, find_markers
from opsdocs.claims._render import claim_macro, quote_macro
from opsdocs.claims._sources import DATA_FILE, Quote, Source, Sources, load_sources

__all__ = ["DATA_FILE", "Marker", "Quote", "Source", "Sources", "WranglerBundle", "claim_macro",
           "find_markers", "load_sources", "quote_macro"]
