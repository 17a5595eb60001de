"""A DNS stand-in for the outbound policy's resolver seam."""

from __future__ import annotations

from collections.abc import Callable


def fixed_resolver(mapping: dict[str, list[str]]) -> Callable[[str], list[str]]:
    """``host -> addresses``; unknown names fail like NXDOMAIN."""

    def resolve(host: str) -> list[str]:
        if host not in mapping:
            raise OSError(f"Name or service not known: {host}")
        return mapping[host]

    return resolve
