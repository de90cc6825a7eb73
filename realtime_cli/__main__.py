"""``python -m realtime_cli``."""

from realtime_cli.cli import main

main()
