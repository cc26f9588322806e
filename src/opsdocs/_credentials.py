"""The environment variables wrangler reads Cloudflare credentials from: one list, read by the masker, the
sandbox's refusal of credentials, the pipeline model, the placeholder finder and the drift rules."""

from __future__ import annotations

__all__ = ["ACCOUNT", "ACCOUNT_VARS", "CREDENTIAL_ENV", "CURRENT", "LEGACY", "TOKEN", "TOKEN_VARS"]

TOKEN = "CLOUDFLARE_API_TOKEN"
ACCOUNT = "CLOUDFLARE_ACCOUNT_ID"
# wrangler's current names (an API token, or the legacy global key + email; the account id)
CURRENT = (TOKEN, "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", ACCOUNT)
# ... and the deprecated CF_* spellings it still reads
LEGACY = tuple(name.replace("CLOUDFLARE_", "CF_", 1) for name in CURRENT)
CREDENTIAL_ENV = (*CURRENT, *LEGACY)
TOKEN_VARS = (TOKEN, "CF_API_TOKEN")
ACCOUNT_VARS = (ACCOUNT, "CF_ACCOUNT_ID")
