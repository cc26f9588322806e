"""What a step's command is aimed at: which environment, which Worker or database, local or remote.

Read from the safety classifier's view of the command (``opsdocs.steps.classify``), so every improvement
there applies here too. Only remote commands are held to the chosen environment: a ``--local`` command
acts on local state, which belongs to no Cloudflare environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from opsdocs.project.model import Environment, Project
from opsdocs.steps import Command, classify

__all__ = ["Aim", "aim_of", "env_label"]

# d1 subcommands whose first positional is not a database
_D1_NO_DB = frozenset({("d1", "list"), ("d1", "create")})
# Commands that change the Worker itself (what a typed confirmation names when no database is involved).
_WORKER_PATHS = ("rollback", "deploy", "versions", "secret", "delete", "triggers", "deployments")


@dataclass(frozen=True)
class Aim:
    commands: tuple[Command, ...]
    local: bool  # every wrangler command acts on local state only, and no other program reaches out
    refusal: str | None  # why this command may not run in the chosen environment
    target: str  # the name an operator types to confirm a `never` step: a database or the Worker
    target_kind: str  # "database" or "Worker"


def env_label(env: Environment) -> str:
    return env.name or "(top level)"


def aim_of(command: str, project: Project, env: Environment) -> Aim:
    """The aim of ``command`` for a session on ``env``. Raises ValueError when the shell text is unreadable."""
    commands = tuple(classify(command))
    refusal = None
    database: str | None = None
    worker: str | None = None
    local = all(c.target == "local" for c in commands if c.wrangler)
    for cmd in commands:
        if not cmd.wrangler:
            if cmd.program == "curl" or cmd.program == "gh":
                local = False
            continue
        db = _database(cmd)
        database = database or db
        if cmd.path and cmd.path[0] in _WORKER_PATHS:
            worker = worker or cmd.option("--name") or env.worker_name
        if cmd.target == "remote" and refusal is None:
            refusal = _wrong_env(cmd, db, project, env)
    if database is not None:
        return Aim(commands, local, refusal, database, "database")
    return Aim(commands, local, refusal, worker or env.worker_name, "Worker")


def _database(cmd: Command) -> str | None:
    if len(cmd.path) >= 2 and cmd.path[0] == "d1" and cmd.path[:2] not in _D1_NO_DB and cmd.positionals:
        return cmd.positionals[0]
    return None


def _wrong_env(cmd: Command, db: str | None, project: Project, env: Environment) -> str | None:
    given = cmd.option("--env", "-e")
    name = cmd.option("--name")
    chosen = env_label(env)
    if given is None and not name:
        given = ""  # no --env: wrangler uses the top-level Worker and bindings
    if given is not None and given != env.name:
        return (f"`{cmd.text}` is aimed at environment {given or '(top level)'}, but this session is for "
                f"{chosen}; start `opsdocs run --env {given}` to act there")
    if db is not None and env.database(db) is None:
        owners = [env_label(e) for e in project.wrangler.environments if e.database(db) is not None]
        where = f"it belongs to {', '.join(owners)}" if owners else "no environment binds it"
        return f"database {db} is not a database of {chosen} ({where})"
    if name and name != env.worker_name:
        return f"Worker {name} is not the Worker of {chosen} ({env.worker_name})"
    return None
