"""Generated page sections: per-secret guides, health checks, the status report, the drift rules."""

from __future__ import annotations

import importlib

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


def status(project: Project) -> str:
    """The last ``opsdocs verify`` report (``<root>/.opsdocs/report.json``) as Markdown."""
    from opsdocs.report.json import read_report
    from opsdocs.report.status import render_status_markdown

    return render_status_markdown(read_report(project.root / ".opsdocs" / "report.json"))


def drift_rules(level: int = 2) -> str:
    """Every registered drift rule: id (as a heading, so findings can link to it), title, paragraph."""
    try:
        registry = importlib.import_module("opsdocs.drift.registry")
        rules = registry.RULES
    except (ImportError, AttributeError) as exc:
        raise PageError(f"cannot list the drift rules: {exc}",
                        hint="opsdocs.drift.registry must import and define RULES") from None
    if not rules:
        raise PageError("opsdocs.drift.registry.RULES is empty", hint="register the rules in RULES")
    hashes = "#" * level
    out = [table(("Rule", "Checks"), [(f"[{code(r.id)}](#{r.id})", cell(r.title)) for r in rules]), ""]
    for rule in rules:
        out += [f"{hashes} `{rule.id}` {{ #{rule.id} }}", "", f"**{rule.title}**", "", rule.doc.strip(), ""]
    return "\n".join(out) or NONE
