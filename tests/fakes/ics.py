"""A fake web server on 127.0.0.1 that serves .ics files (or anything else) by path.

with IcsServer() as server:
    url = server.serve("/team.ics", ics_text)            # 200 text/calendar
    server.serve("/gone.ics", b"", status=404)
    server.redirect("/old.ics", "http://10.0.0.1/x.ics")  # 302 elsewhere
"""

from __future__ import annotations

from tests.fakes.server import LoopbackServer, Reply, Request


class IcsServer(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Reply] = {}

    def serve(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = "text/calendar; charset=utf-8",
    ) -> str:
        """Serve `body` at `path`; return the full URL."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Reply(status=status, body=data, headers={"Content-Type": content_type})
        return self.url + path

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        self.routes[path] = Reply(status=status, headers={"Location": location})
        return self.url + path

    def respond(self, request: Request) -> Reply:
        return self.routes.get(request.path) or Reply(status=404, body=b"not found")
