"""``python -m pipeline.cli`` runs the ``qdp`` command line."""

from pipeline.cli.main import main

main()
