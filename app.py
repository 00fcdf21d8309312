"""Start the tradechat web chat: ``python app.py`` (same as ``tradechat serve``).

Settings come from TRADECHAT_* variables or tradechat.toml (see README); it binds
127.0.0.1:7860 unless told otherwise.
"""

import sys

from assistant.webapp import serve
from ingest.settings import Settings

if __name__ == "__main__":
    try:
        serve(Settings.load())
    except ValueError as e:  # a busy port, a bad address or login setting: said, not a traceback
        print(f"app.py: {e}", file=sys.stderr)
        sys.exit(2)
