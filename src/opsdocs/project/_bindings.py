"""Every binding kind an environment declares (not only D1), read tolerantly for the tables and the
not-inherited check: a shape opsdocs does not know is skipped, never an error (wrangler validates it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from opsdocs.project.model import Binding, Location

# key -> (kind shown on the pages, the field naming the binding, the field naming the resource)
_LISTS = {
    "d1_databases": ("D1 database", "binding", "database_name"),
    "kv_namespaces": ("KV namespace", "binding", "id"),
    "r2_buckets": ("R2 bucket", "binding", "bucket_name"),
    "services": ("service", "binding", "service"),
    "vectorize": ("Vectorize index", "binding", "index_name"),
    "hyperdrive": ("Hyperdrive", "binding", "id"),
    "analytics_engine_datasets": ("Analytics Engine dataset", "binding", "dataset"),
    "workflows": ("Workflow", "binding", "class_name"),
    "send_email": ("email sender", "name", "destination_address"),
    "mtls_certificates": ("mTLS certificate", "binding", "certificate_id"),
    "dispatch_namespaces": ("dispatch namespace", "binding", "namespace"),
}
_SINGLE = {"ai": "Workers AI", "browser": "Browser Rendering", "images": "Images", "version_metadata": "version metadata"}


def bindings(obj: dict[str, Any], locate: Callable[[str], Location], pointer: str) -> tuple[Binding, ...]:
    """The bindings ``obj`` (the top level or one ``env.<name>``) itself declares, in a stable order."""
    out: list[Binding] = []
    for key, (kind, name_key, res_key) in _LISTS.items():
        entries = obj.get(key)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get(name_key), str):
                out.append(Binding(kind, entry[name_key], str(entry.get(res_key) or ""),
                                   locate(f"{pointer}/{key}/{i}"), bool(entry.get("remote"))))
    do = obj.get("durable_objects")
    for i, entry in enumerate(do.get("bindings", []) if isinstance(do, dict) else []):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.append(Binding("Durable Object", entry["name"], str(entry.get("class_name") or ""),
                               locate(f"{pointer}/durable_objects/bindings/{i}")))
    queues = obj.get("queues")
    for i, entry in enumerate(queues.get("producers", []) if isinstance(queues, dict) else []):
        if isinstance(entry, dict) and isinstance(entry.get("binding"), str):
            out.append(Binding("queue producer", entry["binding"], str(entry.get("queue") or ""),
                               locate(f"{pointer}/queues/producers/{i}")))
    for key, kind in _SINGLE.items():
        entry = obj.get(key)
        if isinstance(entry, dict) and isinstance(entry.get("binding"), str):
            out.append(Binding(kind, entry["binding"], "", locate(f"{pointer}/{key}")))
    assets = obj.get("assets")
    if isinstance(assets, dict) and isinstance(assets.get("binding"), str):
        out.append(Binding("static assets", assets["binding"], str(assets.get("directory") or ""),
                           locate(f"{pointer}/assets"), inherited=True))
    return tuple(out)


def required_secrets(obj: dict[str, Any]) -> tuple[str, ...]:
    """``secrets.required``: the secret names this Worker needs set (``wrangler secret put``)."""
    secrets = obj.get("secrets")
    names = secrets.get("required") if isinstance(secrets, dict) else None
    return tuple(str(n) for n in names if isinstance(n, str)) if isinstance(names, list) else ()


def do_migrations(raw: dict[str, Any], locate: Callable[[str], Location]) -> tuple[tuple[str, str, Location], ...]:
    """Durable Object ``migrations``: (tag, what it does, location), in file order."""
    out = []
    entries = raw.get("migrations")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        parts = []
        for key in ("new_classes", "new_sqlite_classes", "deleted_classes"):
            if isinstance(entry.get(key), list):
                parts.append(f"{key}: {', '.join(map(str, entry[key]))}")
        if isinstance(entry.get("renamed_classes"), list):
            parts.append("renamed_classes: " + ", ".join(
                f"{r.get('from')} → {r.get('to')}" for r in entry["renamed_classes"] if isinstance(r, dict)))
        out.append((str(entry.get("tag") or ""), "; ".join(parts), locate(f"/migrations/{i}")))
    return tuple(out)
