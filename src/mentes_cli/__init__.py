"""mentes: eligibility, quotes and coaching plans for a Flemish childcare-support centre."""

__version__ = "0.1.0"
