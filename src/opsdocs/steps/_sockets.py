"""The accept loop the health-check bridge and the credential broker share: one thread per connection."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable


def serve_in_threads(server: socket.socket, closed: Callable[[], bool], serve: Callable[[socket.socket], None],
                     name: str) -> threading.Thread:
    """Accept on ``server`` until it is closed, handing each connection to ``serve`` in a daemon thread
    (a slow client never holds up the next one); returns the started accept thread."""

    def loop() -> None:
        while not closed():
            try:
                conn, _ = server.accept()
            except OSError:  # the server was shut down
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread
