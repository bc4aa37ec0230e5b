"""A stand-in for Saleor's dashboard around the plugin's pages, for the demo and the browser
tests: `host.html` frames the app, does the AppBridge handshake with a sandbox token, answers
the app's actions and can refresh the token (see the page's comment)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

HOST_PAGE = Path(__file__).with_name("host.html")
DASHBOARD_PATH = "/plugins/global/wfx.distribution/dashboard/"


class _HostPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != "/host.html":
            self.send_error(404)
            return
        body = HOST_PAGE.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        # As the dashboard's nginx: the framed app must learn this page's origin (AppBridge
        # accepts messages only from document.referrer's origin).
        self.send_header("Referrer-Policy", "origin-when-cross-origin")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def start_host(port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serves host.html on 127.0.0.1 (the plugin answers on localhost: two origins, as in a
    shop). Returns the server and its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _HostPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def host_url(
    host_origin: str,
    api_origin: str,
    token: str,
    route: str,
    *,
    locale: str = "en",
    query: str = "",
) -> str:
    """The address to open: the host page, told which app URL to frame and with which token.
    The app URL carries the query parameters Saleor's dashboard appends to an iframe's URL."""
    app_query = urlencode(
        {
            "domain": "localhost",
            "saleorApiUrl": f"{api_origin}/graphql/",
            "id": "QXBwOjE=",
            "theme": "light",
        }
    )
    app = f"{api_origin}{DASHBOARD_PATH}?{app_query}{query}#{route}"
    return f"{host_origin}/host.html?" + urlencode({"app": app, "token": token, "locale": locale})
