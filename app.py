"""Start the tradechat web chat: ``python app.py`` (same as ``tradechat serve``).

Settings come from TRADECHAT_* variables or tradechat.toml (see README); it binds
127.0.0.1:7860 unless told otherwise.
"""

from assistant.webapp import serve
from ingest.settings import Settings

if __name__ == "__main__":
    serve(Settings.load())
