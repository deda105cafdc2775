"""Reports written under ``<home>/reports/``: HTML pages with PNG plots."""
