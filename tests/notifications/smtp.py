"""A tiny SMTP server on 127.0.0.1 for tests: enough of RFC 5321 for smtplib and Django.

It can refuse the first N transactions with a transient 451, or every one with a
given code, and can pause before accepting so that concurrent senders overlap.
"""

from __future__ import annotations

import socketserver
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


@dataclass
class Behaviour:
    fail_first: int = 0  # refuse this many transactions (at MAIL FROM) ...
    fail_code: int = 451  # ... with this reply code
    fail_always: bool = False
    delay: float = 0.0  # seconds to wait before accepting DATA


@dataclass
class Mailbox:
    behaviour: Behaviour = field(default_factory=Behaviour)
    messages: list[Message] = field(default_factory=list)
    transactions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_transaction_fails(self) -> bool:
        with self.lock:
            self.transactions += 1
            return self.behaviour.fail_always or self.transactions <= self.behaviour.fail_first


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        mailbox: Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        self.reply("220 fake.smtp.test ESMTP ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-fake.smtp.test")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                if mailbox.next_transaction_fails():
                    code = mailbox.behaviour.fail_code
                    self.reply(
                        f"{code} 4.3.0 Try again later"
                        if code < 500
                        else f"{code} 5.1.1 Mailbox unavailable"
                    )
                else:
                    self.reply("250 OK")
            elif verb == "RCPT":
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                time.sleep(mailbox.behaviour.delay)
                with mailbox.lock:
                    mailbox.messages.append(message_from_bytes(b"".join(lines)))
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class FakeSMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mailbox = Mailbox(behaviour=behaviour or Behaviour())
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> FakeSMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
