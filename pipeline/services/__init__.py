"""Services: the thin layer that joins the science (``molecules``, ``pipeline.quantum``,
``surrogates``) to the store. The CLI, the REST API and the Prefect flows all call these."""
