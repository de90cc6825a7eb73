"""The Typer commands: options to a frozen config, one call into the core, an exit code."""
