"""Which URLs a webhook may be sent to: http(s) only, and never an address inside our own network
(loopback, private, link-local, multicast, reserved) unless WEBHOOKS_ALLOW_PRIVATE says so (SSRF).

The check runs when an endpoint is registered and again before every attempt, so a name that later
resolves to an internal address (DNS rebinding) is refused at the send."""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from challenge.errors import FieldError

MAX_URL = 500


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (a test replaces nothing: names like localhost resolve here)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def check(url: str, allow_private: bool) -> str:
    """The URL, cleaned, or a FieldError on `url` that says what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise FieldError("Enter the URL that should receive the events", "url")
    if len(url) > MAX_URL:
        raise FieldError(f"Keep the URL to {MAX_URL} characters or fewer", "url")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FieldError("Enter a whole URL, like https://example.org/hooks/challenge-exchange", "url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FieldError("Enter a whole http or https URL, like https://example.org/hooks/challenge-exchange", "url")
    if parts.username or parts.password:
        raise FieldError("Leave names and passwords out of the URL: check the signature instead", "url")
    if allow_private:
        return url
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError):
        raise FieldError(f"{parts.hostname} could not be found: check the address", "url") from None
    if not addresses or any(_internal(a) for a in addresses):
        raise FieldError("That address is inside a private network: webhooks go only to public internet "
                         "addresses", "url")
    return url
