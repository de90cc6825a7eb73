"""``python -m realtime_cli``."""

from realtime_cli.cli.main import main

if __name__ == "__main__":  # --jobs workers (spawn) re-import this module: no second run there
    main()
