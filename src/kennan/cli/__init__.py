"""The ``kennan`` command line: thin Typer commands forwarding to library functions."""
