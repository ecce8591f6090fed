"""``python -m repurpose`` runs the ``platform`` command."""

from repurpose.cli import main

main()
