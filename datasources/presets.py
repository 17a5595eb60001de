"""Provider presets: the URLs and parameters a provider needs, filled in for the user.

A preset only supplies defaults: whatever the user gave wins. Zoho runs one
accounts server per data centre; its authorization callback names the one
that issued the code (``accounts-server``), which is trusted only if it is a
known Zoho host (``zoho_accounts_server``).

A preset may also name the chunked-upload protocol its API uses for files
larger than one request takes (``chunked_upload``, a protocol of
``runtime.http.upload_sessions``; named, since ``datasources`` does not
import ``runtime``): Dropbox's upload sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Region:
    """One of a provider's data centres: where it is, and the domain of its hosts."""

    name: str
    domain: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.domain})"


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    # Model field name -> default; "{domain}" is replaced by the region's domain.
    defaults: dict[str, Any]
    custom_auth_params: tuple[tuple[str, str], ...] = ()
    regions: dict[str, Region] = field(default_factory=dict)
    # The runtime's chunked-upload protocol for this API's large files ("": none).
    chunked_upload: str = ""


# Zoho data centres, by the region key a datasource stores (`preset_region`).
ZOHO_REGIONS: dict[str, Region] = {
    "com": Region("United States", "zoho.com"),
    "eu": Region("Europe", "zoho.eu"),
    "in": Region("India", "zoho.in"),
    "com.au": Region("Australia", "zoho.com.au"),
    "jp": Region("Japan", "zoho.jp"),
    "ca": Region("Canada", "zohocloud.ca"),
    "sa": Region("Saudi Arabia", "zoho.sa"),
    "com.cn": Region("China", "zoho.com.cn"),
}
ZOHO_ACCOUNTS_HOSTS = frozenset(f"accounts.{region.domain}" for region in ZOHO_REGIONS.values())

PRESETS: dict[str, Preset] = {
    "dropbox": Preset(
        key="dropbox",
        label="Dropbox",
        defaults={
            "url": "https://content.dropboxapi.com/",
            "auth_type": "oauth2",
            "grant_type": "authorization_code",
            "authorization_url": "https://www.dropbox.com/oauth2/authorize",
            "access_token_url": "https://api.dropboxapi.com/oauth2/token",
            "client_authentication": "basic_header",
            "refresh_client_credentials_location": "body",
            "scopes": ["files.content.write"],
        },
        # Without it Dropbox issues a short-lived token and no refresh token.
        custom_auth_params=(("token_access_type", "offline"),),
        # files/upload takes at most 150 MB; larger files go through upload sessions.
        chunked_upload="dropbox_upload_session",
    ),
    "google_docs": Preset(
        key="google_docs",
        label="Google Docs",
        defaults={
            "url": "https://docs.googleapis.com/",
            "auth_type": "oauth2",
            "grant_type": "authorization_code",
            "authorization_url": "https://accounts.google.com/o/oauth2/v2/auth",
            "access_token_url": "https://oauth2.googleapis.com/token",
            "revocation_url": "https://oauth2.googleapis.com/revoke",
            "client_authentication": "body",
            "refresh_client_credentials_location": "body",
            "scopes": [
                "https://www.googleapis.com/auth/documents",
                "https://www.googleapis.com/auth/drive",
            ],
        },
        # Google sends a refresh token only with offline access, and only on
        # consent: prompt=consent makes re-authorizing return a new one.
        custom_auth_params=(("access_type", "offline"), ("prompt", "consent")),
    ),
    "zoho_campaigns": Preset(
        key="zoho_campaigns",
        label="Zoho Campaigns",
        defaults={
            "url": "https://campaigns.{domain}/api/v1.1/",
            "auth_type": "oauth2",
            "grant_type": "authorization_code",
            "authorization_url": "https://accounts.{domain}/oauth/v2/auth",
            "access_token_url": "https://accounts.{domain}/oauth/v2/token",
            "revocation_url": "https://accounts.{domain}/oauth/v2/token/revoke",
            "client_authentication": "body",
            "refresh_client_credentials_location": "body",
            "header_prefix": "Zoho-oauthtoken",
            "scopes": ["ZohoCampaigns.campaign.ALL", "ZohoCampaigns.contact.ALL"],
        },
        custom_auth_params=(("access_type", "offline"), ("prompt", "consent")),
        regions=ZOHO_REGIONS,
    ),
}


def chunked_upload_protocol(key: str) -> str:
    """The chunked-upload protocol of preset ``key``; "" for none or an unknown preset."""
    preset = PRESETS.get(key)
    return preset.chunked_upload if preset is not None else ""


def preset_defaults(key: str, region: str = "") -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The preset's field defaults and custom parameters, for the given region.

    Raises KeyError for an unknown preset or region; callers validate first.
    """
    preset = PRESETS[key]
    domain = preset.regions[region].domain if preset.regions else ""
    values = {
        name: value.replace("{domain}", domain) if isinstance(value, str) else value
        for name, value in preset.defaults.items()
    }
    params = [{"key": k, "value": v} for k, v in preset.custom_auth_params]
    return values, params


def apply_preset(
    fields: dict[str, Any], *, given: set[str], key: str, region: str = ""
) -> dict[str, Any]:
    """``fields`` with the preset's defaults filled in where the user gave nothing.

    ``given`` names the model fields the user set in this request. Custom
    parameters merge by key, the user's value winning.
    """
    values, params = preset_defaults(key, region)
    result = dict(fields)
    for name, value in values.items():
        if name not in given:
            result[name] = list(value) if isinstance(value, list) else value
    own = list(result.get("custom_auth_params") or [])
    own_keys = {item.get("key") for item in own}
    result["custom_auth_params"] = own + [p for p in params if p["key"] not in own_keys]
    return result


def zoho_accounts_server(value: str) -> str | None:
    """The token URL on Zoho's named accounts server, or None if the host is unknown."""
    parts = urlsplit(value.strip())
    if parts.scheme != "https" or parts.hostname not in ZOHO_ACCOUNTS_HOSTS:
        return None
    if parts.port not in (None, 443) or parts.username or parts.password:
        return None
    return f"https://{parts.hostname}/oauth/v2/token"
