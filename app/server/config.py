"""The server's settings for one run: frozen, validated, secure by default."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from app.core.errors import SettingsError

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerConfig:
    """How the HTTP server behaves. ``api_key=None`` turns authentication off (loopback only)."""

    host: str = "127.0.0.1"
    port: int = 11435
    api_key: str | None = None
    lan: bool = False  # binding to a non-loopback address must be asked for explicitly
    cors_origins: tuple[str, ...] = ()
    max_queue: int = 16
    max_body_bytes: int = 16 * 1024 * 1024
    rate_limit_per_minute: int = 0  # per API key (or per client address without auth); 0: off
    log_prompts: bool = False
    log_file: str | None = None  # JSON lines; None: the log only goes to the logger
    default_model: str | None = None  # what requests without a known "model" get
    allow_swap: bool = True  # a request naming another model loads it (between requests)
    extra_public_paths: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"Port {self.port} is not a TCP port (0-65535).")
        if self.max_queue < 1:
            raise SettingsError("The request queue must hold at least 1 request.")
        if not is_loopback(self.host) and not self.lan:
            raise SettingsError(
                f"Refusing to listen on {self.host}: that address can be reached from other computers.",
                hint="Pass --lan to serve on your network on purpose (an API key is then required).",
            )
        if self.lan and not self.api_key:
            raise SettingsError(
                "Serving on the network needs an API key.",
                hint="Remove --no-auth, or serve on 127.0.0.1 only.",
            )
        for origin in self.cors_origins:
            if origin == "*" or "*" in origin:
                raise SettingsError(
                    "CORS origins must be listed one by one; '*' would let every web page call your models.",
                    hint="Give the exact origin, e.g. http://localhost:3000.",
                )
            if not origin.startswith(("http://", "https://")):
                raise SettingsError(f"CORS origin '{origin}' must start with http:// or https://.")

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
        return f"http://{host}:{self.port}"
