"""Generated page sections: per-secret guides, health checks, the status report, the drift rules."""

from __future__ import annotations

from collections.abc import Callable

from opsdocs.errors import PageError
from opsdocs.project.model import Project
from opsdocs.site._tables import NONE, _readable_from, cell, code, table


def secret_sections(project: Project, level: int = 3) -> str:
    """One heading per secret used by a workflow: purpose, how to get it, permissions, where, rotation."""
    hashes = "#" * level
    out: list[str] = []
    for name, refs in project.secrets.items():
        doc = project.secret_docs.get(name)
        out += [f"{hashes} {name}", ""]
        if doc is None:
            out += ['!!! warning "Not documented"', "",
                    f"    {code(name)} is used by a workflow but has no entry in {code('checks/secrets.yml')}: "
                    "add its purpose, permissions, where it is set and how it is rotated.", ""]
        else:
            out += [doc.purpose, ""]
            if doc.how_to_get:
                out += [f"**How to get it:** {doc.how_to_get}", ""]
            if doc.permissions:
                out += ["**Permissions:**", "", *[f"- {p}" for p in doc.permissions], ""]
            out += [f"**Where it is set:** {doc.where}", "", f"**Rotation:** {doc.rotation}", ""]
        out += [f"**Read by jobs in:** {_readable_from(project, refs)}", "", "**Used at:**", ""]
        out += [f"- {code(r.job or '(workflow level)')} in {code(r.workflow)}, line {r.location.line}"
                for r in refs]
        out.append("")
    return "\n".join(out) if out else "*No workflow reads a secret.*"


def health_checks_table(project: Project) -> str:
    rows = []
    for check in project.health_checks:
        expect = [f"status {check.expect_status}"]
        expect += [f"{code(f'{k} = {v}')}" for k, v in check.expect_json.items()]
        expect += [f"{code(f)} present" for f in check.expect_json_fields]
        rows.append((code(check.name), code(f"{check.method} {check.path}"), "<br>".join(expect),
                     f"{check.latency_budget_ms:g} ms", str(check.retries), code(check.location)))
    if not rows:
        return f"*No health checks declared in {code('checks/health.yml')}.*"
    return table(("Check", "Request", "Expects", "Latency budget", "Retries", "Declared at"), rows)


def status_macro(project: Project) -> Callable[[], str]:
    """``status()``: the last ``opsdocs verify`` report as Markdown. The report is input like the rest:
    read (and parsed into the typed Report) once per loaded Project, whose read paths include it, so a
    new report makes a new Project (the memo key) and ``serve`` rebuilds (its watch list)."""
    rendered: list[str] = []

    def status() -> str:
        if not rendered:
            from opsdocs.report.json import read_report
            from opsdocs.report.status import render_status_markdown

            rendered.append(render_status_markdown(read_report(project.report_path)))
        return rendered[0]

    return status


def drift_rules(level: int = 2) -> str:
    """Every registered drift rule: id (as a heading, so findings can link to it), title, paragraph."""
    # The site documents the checks: site -> drift is the one direction (drift reads pages from the model,
    # never from the site). Imported here so that rendering a page without this macro does not load the rules.
    from opsdocs.drift.registry import RULES as rules

    if not rules:
        raise PageError("opsdocs.drift.registry.RULES is empty", hint="register the rules in RULES")
    hashes = "#" * level
    out = [table(("Rule", "Checks"), [(f"[{code(r.id)}](#{r.id})", cell(r.title)) for r in rules]), ""]
    for rule in rules:
        out += [f"{hashes} `{rule.id}` {{ #{rule.id} }}", "", f"**{rule.title}**", "", " ".join(rule.doc.split()), ""]
    return "\n".join(out) or NONE
