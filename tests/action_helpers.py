"""Helpers for testing the confirmed staff actions: preview, confirm, read what the user sees."""

from html.parser import HTMLParser

from django.contrib.messages import get_messages


def preview(client, url: str, data: dict):
    """The first POST: a valid form answers with the confirmation page."""
    return client.post(url, data)


def confirm(client, url: str, data: dict):
    """The POST of the 确认 button on the confirmation page."""
    return client.post(url, {**data, "confirm": "1"})


def page_text(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def is_confirmation_page(response) -> bool:
    text = page_text(response)
    return response.status_code == 200 and 'name="confirm"' in text and 'name="back"' in text


def form_error_text(response) -> str:
    """Every error the re-rendered form shows, joined, as the user reads it."""
    form = response.context["form"]
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""


def carried_values(response) -> dict:
    """The values the confirmation page carries in hidden fields (the CSRF token left out)."""
    parser = _HiddenInputs()
    parser.feed(page_text(response))
    parser.values.pop("csrfmiddlewaretoken", None)
    parser.values.pop("next", None)
    return parser.values
