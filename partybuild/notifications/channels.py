"""Sending one message through one channel: e-mail, 企业微信, 钉钉 or 飞书 group bots.

Each bot takes a JSON POST in its documented format: 企业微信 and 钉钉 a markdown message,
飞书 a text message. 钉钉's "加签" adds `timestamp` (milliseconds) and `sign` (base64 of
HMAC-SHA256 over "timestamp\\nsecret" keyed with the secret, URL-encoded) to the query
string; 飞书's signature goes in the body: `timestamp` (seconds) and `sign`, base64 of
HMAC-SHA256 keyed with "timestamp\\nsecret" over an empty message. A bot answers HTTP 200
with an error code in its body when it refuses, so that code is checked too.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils.translation import gettext

WEBHOOK_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The channel refused the message or could not be reached."""


@dataclass(frozen=True)
class Message:
    title: str
    lines: list[dict]  # {"text": ..., "url": absolute URL or ""}

    def plain(self) -> str:
        body = [self.title, ""]
        for line in self.lines:
            body.append(f"· {line['text']}" + (f"\n  {line['url']}" if line.get("url") else ""))
        return "\n".join(body)

    def markdown(self) -> str:
        body = [f"### {self.title}"]
        for line in self.lines:
            text = line["text"]
            body.append(f"- [{text}]({line['url']})" if line.get("url") else f"- {text}")
        return "\n".join(body)


def validate_webhook_url(value: str) -> None:
    """A webhook must be http(s) to a host: anything else (file:, javascript:...) is refused."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(gettext("Webhook 地址须以 https:// 或 http:// 开头并包含主机名。"))


def mask_url(value: str) -> str:
    """The webhook with its token hidden: query values and the last path segment masked."""
    if not value:
        return ""
    parts = urllib.parse.urlsplit(value)

    def hide(secret: str) -> str:
        return f"{secret[:4]}…" if len(secret) > 8 else "…"

    segments = parts.path.split("/")
    if len(segments[-1]) > 8:
        segments[-1] = hide(segments[-1])
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    masked_query = "&".join(f"{key}={hide(val)}" for key, val in query)
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc, "/".join(segments), masked_query, ""))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """飞书's signature: base64(HMAC-SHA256(key="timestamp\\nsecret", message=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def _post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"无法连接：{getattr(error, 'reason', error)}") from error
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}


def _check_answer(answer: dict) -> None:
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code not in (0, None):
        message = answer.get("errmsg") or answer.get("msg") or ""
        raise DeliveryError(f"机器人返回错误 {code} {message}".strip())


def send_wecom(url: str, message: Message) -> None:
    validate_webhook_url(url)
    _check_answer(_post_json(url, {"msgtype": "markdown",
                                   "markdown": {"content": message.markdown()}}))


def send_dingtalk(url: str, secret: str, message: Message) -> None:
    validate_webhook_url(url)
    if secret:
        timestamp = int(time.time() * 1000)
        separator = "&" if urllib.parse.urlsplit(url).query else "?"
        url = f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    _check_answer(_post_json(url, {"msgtype": "markdown", "markdown": {
        "title": message.title, "text": message.markdown()}}))


def send_feishu(url: str, secret: str, message: Message) -> None:
    validate_webhook_url(url)
    payload: dict = {"msg_type": "text", "content": {"text": message.plain()}}
    if secret:
        timestamp = int(time.time())
        payload = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp),
                   **payload}
    _check_answer(_post_json(url, payload))


def send_email(address: str, message: Message) -> None:
    try:
        send_mail(message.title, message.plain(), settings.DEFAULT_FROM_EMAIL, [address],
                  fail_silently=False)
    except Exception as error:  # SMTP errors of every kind end up in the delivery log
        raise DeliveryError(f"邮件发送失败：{error}") from error
