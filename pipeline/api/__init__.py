"""The qdp REST API (FastAPI): predictions, stored results, models, campaigns."""
