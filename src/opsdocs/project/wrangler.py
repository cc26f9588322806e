"""Load ``wrangler.jsonc`` into a :class:`WranglerConfig`, resolving environments the way wrangler does."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError
from opsdocs.project._bindings import bindings, do_migrations, required_secrets
from opsdocs.project._jsonc import locate_keys, parse_jsonc
from opsdocs.project._toml import locate_keys as locate_toml_keys
from opsdocs.project._toml import parse_toml, read_config_text
from opsdocs.project.migrations import list_migrations
from opsdocs.project.model import D1Database, Environment, Location, WranglerConfig, locate

# The order wrangler looks for them in (workers-sdk: config/config-helpers.ts).
CONFIG_NAMES = ("wrangler.json", "wrangler.jsonc", "wrangler.toml")
# Keys an environment inherits from the top level (FACTS.md); vars and bindings are NOT among them.
_INHERITED = ("main", "compatibility_date", "compatibility_flags", "routes", "route", "workers_dev",
              "observability")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def find_config(root: Path) -> Path:
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    raise ConfigError("no wrangler.json, wrangler.jsonc or wrangler.toml found", path=root,
                      hint="point --root at the folder of a wrangler project (in a monorepo, the app's folder)")


class _Reader:
    """Type checks with locations: every complaint names the line of the key at fault."""

    def __init__(self, relpath: str, locations: dict[str, Location]) -> None:
        self.relpath = relpath
        self.locations = locations

    def loc(self, pointer: str) -> Location:
        return locate(self.locations, self.relpath, pointer)

    def fail(self, pointer: str, message: str, hint: str) -> ConfigError:
        at = self.loc(pointer)
        return ConfigError(message, path=at.path, line=at.line, col=at.col, hint=hint)

    def get(self, obj: dict[str, Any], key: str, kind: type | tuple[type, ...], pointer: str,
            *, required: bool = False, default: Any = None) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(pointer, f"missing required key '{key}'", f"add \"{key}\" here")
            return default
        value = obj[key]
        # bool is an int in Python; a number where a flag belongs is still wrong.
        if not isinstance(value, kind) or (kind in (int, str) and isinstance(value, bool)):
            names = " or ".join(t.__name__ for t in (kind if isinstance(kind, tuple) else (kind,)))
            names = (names.replace("str", "string").replace("dict", "object").replace("list", "array")
                     .replace("bool", "boolean"))
            raise self.fail(f"{pointer}/{key}", f"'{key}' must be {names}, got {_json_type(value)}",
                            f"change \"{key}\" to {names}")
        return value


def _json_type(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array",
            dict: "object", type(None): "null"}.get(type(value), type(value).__name__)


def load_wrangler(path: Path, root: Path) -> WranglerConfig:
    try:
        relpath = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        relpath = str(path)
    text = read_config_text(path, relpath)
    if path.suffix == ".toml":
        raw: Any = parse_toml(text, relpath)
        found = locate_toml_keys(text)
    else:
        raw = parse_jsonc(text, relpath)
        found = locate_keys(text)
    locations = {p: Location(relpath, ln, col) for p, (ln, col) in found.items()}
    r = _Reader(relpath, locations)
    if not isinstance(raw, dict):
        raise ConfigError(f"the top level must be an object, got {_json_type(raw)}", path=relpath, line=1,
                          hint="wrap the configuration in { ... }")
    name = r.get(raw, "name", str, "", required=True)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise r.fail("/name", f"invalid Worker name '{name}'", "use lowercase letters, digits and dashes")
    top_db = _databases(r, raw, "", path.parent)
    top = _environment(r, raw, raw, "", name, top_db, path.parent)
    envs: dict[str, Environment] = {}
    for env_name, env_raw in r.get(raw, "env", dict, "", default={}).items():
        pointer = f"/env/{env_name}"
        if not isinstance(env_raw, dict):
            raise r.fail(pointer, f"environment '{env_name}' must be an object, got {_json_type(env_raw)}",
                         "write it as \"" + env_name + "\": { ... }")
        env_dbs = _databases(r, env_raw, pointer, path.parent)
        envs[env_name] = _environment(r, raw, env_raw, env_name, name, env_dbs, path.parent, top=top)
    read = [path.resolve()]
    for env in (top, *envs.values()):
        for db in env.d1_databases:
            folder = (path.parent / db.migrations_dir).resolve()
            read += [folder, folder / "meta" / "_journal.json", *(m.path for m in db.migrations)]
    return WranglerConfig(
        path=path.resolve(), relpath=relpath, name=name, main=top.main,
        compatibility_date=top.compatibility_date,
        compatibility_flags=tuple(r.get(raw, "compatibility_flags", list, "", default=[])),
        top=top, envs=envs, raw=raw, locations=locations, read_paths=tuple(dict.fromkeys(read)),
        do_migrations=do_migrations(raw, r.loc),
    )


def _environment(r: _Reader, raw: dict[str, Any], obj: dict[str, Any], env_name: str, worker: str,
                 dbs: tuple[D1Database, ...], base: Path, top: Environment | None = None) -> Environment:
    pointer = f"/env/{env_name}" if env_name else ""
    merged = dict(obj)
    if top is not None:  # inherit what wrangler inherits, unless overridden
        for key in _INHERITED:
            if key not in obj and key in raw:
                merged[key] = raw[key]
    main = r.get(merged, "main", str, pointer)
    date = r.get(merged, "compatibility_date", str, pointer)
    if date is not None and not _DATE.match(date):
        raise r.fail(f"{pointer}/compatibility_date", f"compatibility_date '{date}' is not YYYY-MM-DD",
                     "use a date such as \"2025-09-01\"")
    routes = r.get(merged, "routes", list, pointer, default=[])
    if "route" in merged:
        routes = [*routes, merged["route"]]
    vars_ = r.get(obj, "vars", dict, pointer, default={})
    own_name = r.get(obj, "name", str, pointer)
    worker_name = own_name or (f"{worker}-{env_name}" if env_name else worker)
    missing_b: tuple[str, ...] = ()
    missing_v: tuple[str, ...] = ()
    missing_s: tuple[str, ...] = ()
    own = bindings(obj, r.loc, pointer)
    secrets = required_secrets(obj)
    if top is not None:
        have = {db.binding for db in dbs}
        have |= {b.name for b in own}
        missing_b = tuple(dict.fromkeys(b.name for b in top.bindings if b.name not in have and not b.inherited))
        missing_v = tuple(k for k in top.vars if k not in vars_)
        missing_s = tuple(k for k in top.secrets_required if k not in secrets)
    return Environment(
        name=env_name, worker_name=worker_name, main=main, compatibility_date=date, vars=dict(vars_),
        d1_databases=dbs, routes=tuple(routes), workers_dev=r.get(merged, "workers_dev", bool, pointer),
        observability=dict(r.get(merged, "observability", dict, pointer, default={})),
        location=r.loc(pointer) if pointer else Location(r.relpath, 1),
        missing_bindings=missing_b, missing_vars=missing_v, bindings=own, secrets_required=secrets,
        missing_secrets=missing_s,
    )


def _databases(r: _Reader, obj: dict[str, Any], pointer: str, base: Path) -> tuple[D1Database, ...]:
    out: list[D1Database] = []
    seen: set[str] = set()
    for i, entry in enumerate(r.get(obj, "d1_databases", list, pointer, default=[])):
        p = f"{pointer}/d1_databases/{i}"
        if not isinstance(entry, dict):
            raise r.fail(p, f"d1_databases[{i}] must be an object, got {_json_type(entry)}",
                         "write {\"binding\": \"DB\", \"database_name\": ..., \"database_id\": ...}")
        binding = r.get(entry, "binding", str, p, required=True)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", binding):
            raise r.fail(f"{p}/binding", f"invalid binding name '{binding}'",
                         "a binding is a JavaScript identifier such as DB")
        if binding in seen:
            raise r.fail(f"{p}/binding", f"binding '{binding}' is declared twice", "give each database its own binding")
        seen.add(binding)
        explicit_dir = r.get(entry, "migrations_dir", str, p)
        mdir = explicit_dir or "migrations"
        db = D1Database(
            binding=binding,
            database_name=r.get(entry, "database_name", str, p),
            database_id=r.get(entry, "database_id", str, p),
            preview_database_id=r.get(entry, "preview_database_id", str, p),
            migrations_dir=mdir,
            migrations_table=r.get(entry, "migrations_table", str, p, default="d1_migrations"),
            location=r.loc(p),
            dir_location=r.loc(f"{p}/migrations_dir") if explicit_dir is not None else None,
        )
        # A missing folder is not an abort: the pages say so and the migrations-dir rule names this line.
        directory = (base / mdir).resolve()
        root = Path(r.relpath).parent
        rel_dir = str(root / mdir) if str(root) != "." else mdir
        migrations = list_migrations(directory, rel_dir) if directory.is_dir() else ()
        out.append(replace(db, migrations=migrations))
    return tuple(out)
