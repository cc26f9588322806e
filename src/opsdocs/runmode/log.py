"""The incident log: JSON Lines appended as things happen, fsync'd, and a Markdown timeline beside it.

The log is the state of a session: ``--resume`` reads it back to know what ran, and ``--export`` turns it
into a postmortem draft. Every record is written whole (one ``write`` of one line, then ``fsync``); a line
cut short by a crash is ignored when the log is read. Text is masked before it gets here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opsdocs import _markdown
from opsdocs._fs import atomic_write_text
from opsdocs.errors import ConfigError

__all__ = ["IncidentLog", "LogState", "read_log", "timeline", "timeline_table", "utc_now", "write_atomic", "LOG_VERSION"]

LOG_VERSION = 1
EXCERPT_LINES = 20


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class LogState:
    """A log read back: its start record, its step records, and where a resumed session goes on."""

    path: Path
    start: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def steps(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") == "step"]

    @property
    def done_ok(self) -> set[str]:
        """Steps settled by their last record (skipped, or ran as expected), by ``page:line``: a resumed
        session goes on after them; a step that failed or never finished is offered again."""
        last: dict[str, dict[str, Any]] = {}
        for r in self.steps:
            last[r["step"]] = r
        return {k for k, r in last.items() if r.get("decision") == "skipped" or r.get("ok")}

    @property
    def interrupted(self) -> str | None:
        """The step that was running when the session ended (a begin record without its result)."""
        open_step = None
        for r in self.records:
            if r.get("type") == "begin":
                open_step = r["step"]
            elif r.get("type") == "step" and r.get("step") == open_step:
                open_step = None
        return open_step

    @property
    def ended(self) -> dict[str, Any] | None:
        return next((r for r in reversed(self.records) if r.get("type") == "end"), None)


def read_log(path: Path) -> LogState:
    """Read an incident log; ConfigError at ``path:line`` when it is not one."""
    if not path.is_file():
        raise ConfigError("incident log not found", path=path, hint="give the .jsonl file `opsdocs run` wrote")
    records = list(_records(path))
    if not records or records[0].get("type") != "start":
        raise ConfigError("not an opsdocs incident log (no start record on line 1)", path=path, line=1,
                          hint="give the .jsonl file `opsdocs run` wrote")
    if records[0].get("version") != LOG_VERSION:
        raise ConfigError(f"incident log version {records[0].get('version')!r} is not {LOG_VERSION}", path=path,
                          line=1, hint="export it with the opsdocs that wrote it")
    return LogState(path, records[0], records[1:])


def _records(path: Path) -> Iterator[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number >= len(lines) - 1:
                return  # the last line, cut short by a crash: the step it describes did not finish
            raise ConfigError("unreadable line in the incident log", path=path, line=number,
                              hint="each line must be one JSON object; remove the damaged line") from None
        if not isinstance(record, dict):
            raise ConfigError("a line of the incident log is not a JSON object", path=path, line=number,
                              hint="remove the damaged line")
        yield record


class IncidentLog:
    """Append-only writer; the Markdown timeline (``.md`` beside the ``.jsonl``) is rewritten after each record."""

    def __init__(self, path: Path, state: LogState) -> None:
        self.path = path
        self.state = state

    @classmethod
    def create(cls, path: Path, start: dict[str, Any]) -> IncidentLog:
        if path.exists():
            raise ConfigError("incident log already exists", path=path,
                              hint="pass --resume to continue it, or another --log path")
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"type": "start", "version": LOG_VERSION, "time": utc_now(), **start}
        log = cls(path, LogState(path, record))
        log._append(record)
        return log

    @classmethod
    def resume(cls, path: Path) -> IncidentLog:
        return cls(path, read_log(path))

    @property
    def timeline_path(self) -> Path:
        return self.path.with_suffix(".md")

    def append(self, record: dict[str, Any]) -> None:
        record = {"time": utc_now(), "operator": self.state.start.get("operator"), **record}
        self.state.records.append(record)
        self._append(record)

    def _append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        write_atomic(self.timeline_path, timeline(self.state))


def timeline(state: LogState) -> str:
    """The Markdown timeline of a session so far."""
    s = state.start
    lines = [f"# Incident log: {s.get('title', s.get('procedure'))}", "",
             f"- Procedure: `{s.get('procedure')}` ({s.get('url', '')})",
             f"- Environment: **{s.get('env_label')}** · Worker `{s.get('worker')}` · operator {s.get('operator')}",
             f"- Started: {s.get('time')} (UTC)", "", *timeline_table(state)]
    return "\n".join(lines) + "\n"


def timeline_table(state: LogState) -> list[str]:
    lines = ["| Time (UTC) | Step | Decision | Exit | Duration | Command |", "|---|---|---|---|---|---|"]
    for r in state.records:
        kind = r.get("type")
        if kind == "step":
            exit_code = "" if r.get("exit_code") is None else str(r["exit_code"])
            duration = "" if r.get("duration_s") is None else f"{r['duration_s']:.1f} s"
            lines.append(f"| {r['time']} | {_cell(r.get('title') or r['step'])} | {r['decision']} | {exit_code} | "
                         f"{duration} | {_code(r.get('command', ''))} |")
        elif kind in ("resume", "end", "note"):
            lines.append(f"| {r['time']} | *{kind}* | {_cell(r.get('message', r.get('outcome', '')))} | | | |")
        elif kind in ("refused", "declined"):
            lines.append(f"| {r['time']} | {_cell(r.get('title') or r['step'])} | {kind} | | | "
                         f"{_code(r.get('command', r.get('typed', '')))} |")
    return lines


def _cell(text: str) -> str:
    return _markdown.cell(text)


def _code(text: str) -> str:
    return _markdown.code_cell(text) or " "


def write_atomic(path: Path, text: str) -> None:
    """An incident log's files stay private to the on-call engineer (0600, as before)."""
    atomic_write_text(path, text, mode=0o600)
