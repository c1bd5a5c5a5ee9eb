"""Real servers for the delivery tests: an SMTP server (aiosmtpd) and a local HTTP server
standing in for the 企业微信, 钉钉 and 飞书 group bots, checking their signatures."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

DINGTALK_SECRET = "SEC0123456789abcdef0123456789abcdef"
FEISHU_SECRET = "feishu-signing-secret-42"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server():
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, sink
    finally:
        controller.stop()


def expected_dingtalk_sign(timestamp: str) -> str:
    string_to_sign = f"{timestamp}\n{DINGTALK_SECRET}".encode()
    return base64.b64encode(hmac.new(DINGTALK_SECRET.encode(), string_to_sign,
                                     hashlib.sha256).digest()).decode()


def expected_feishu_sign(timestamp: str) -> str:
    key = f"{timestamp}\n{FEISHU_SECRET}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


class BotHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 (http.server's name)
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append({"path": parts.path, "query": query, "body": body})
        status, answer = 200, {"errcode": 0, "errmsg": "ok"}
        if parts.path.startswith("/fail") or self.server.failing:
            status, answer = 502, {"errcode": -1}
        elif parts.path.startswith("/robot/send"):  # 钉钉
            timestamp = query.get("timestamp", [""])[0]
            # parse_qs has undone the URL-encoding of `sign` once, as 钉钉's server does.
            if query.get("sign", [""])[0] != expected_dingtalk_sign(timestamp):
                answer = {"errcode": 310000, "errmsg": "sign not match"}
        elif parts.path.startswith("/open-apis/bot/v2/hook/"):  # 飞书
            if body.get("sign") != expected_feishu_sign(body.get("timestamp", "")):
                answer = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}  # noqa: E501
            else:
                answer = {"code": 0, "msg": "success"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def bot_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), BotHandler)
    server.received = []
    server.failing = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
