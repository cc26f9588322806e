"""The macros that replaced the guides' table and section loops (site/_overview.py, missing_roles) write
what those loops wrote, byte for byte, for the sample project and every fixture project: each old
template is kept here and rendered with plain Jinja next to its macro."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, StrictUndefined

from opsdocs import load_project
from opsdocs.project.load import CHECKOUT_ROOT, GUIDES_DIR
from opsdocs.site import _overview
from opsdocs.site._context import build_context
from opsdocs.site._tables import code

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "projects"
ROOTS = {"sample": CHECKOUT_ROOT, **{p.name: p for p in FIXTURES.iterdir()},
         "monorepo": FIXTURES / "monorepo" / "apps" / "api"}

# What the pages held before (docs/index.md, workflow.md, runbook.md, environments.md), tags verbatim.
OLD = {
    "deployed_table()": """\
| Wrangler environment | Worker | D1 database (binding → name) |
|---|---|---|
{% for env in environments -%}
| {{ "top level" if env.is_top_level else code("env." ~ env.name) }} | {{ code(env.worker_name) }} | \
{% for d in env.d1_databases %}{{ code(d.binding) }} → {{ code(d.name) }} {% endfor %}|
{% endfor %}""",
    "schedules_table()": """\
| Workflow | Triggers | Concurrency group |
|---|---|---|
{% for wf in workflows -%}
| {{ code(wf.relpath) }} | {% for t in wf.triggers if t != "schedule" %}{{ code(t) }} {% endfor %}\
{% for c in wf.schedules %}{{ code("cron " ~ c) }} {% endfor %}| \
{{ code(wf.concurrency.group) if wf.concurrency is mapping else "—" }} |
{% endfor %}""",
    "deploy_order_table()": """\
| Step | Job | Waits for | Gate | Timeout |
|---|---|---|---|---|
{% if pipeline.quality %}| 1. Quality gate | {{ code(pipeline.quality.id) }} | — | — | \
{{ "(reusable workflow)" if pipeline.quality.kind == "reusable" else ("(" ~ pipeline.quality.kind ~ ")") }} |
{% else %}| 1. Quality gate | ⚠️ **missing** | — | — | — |
{% endif %}{% if pipeline.migrate %}| 2. Remote migrations | {{ code(pipeline.migrate.id) }} | \
{% for n in pipeline.migrate.needs %}{{ code(n) }} {% endfor %} | {{ code(pipeline.migrate.environment) }} | \
{{ pipeline.migrate.timeout_minutes ~ " min" if pipeline.migrate.timeout_minutes is not none else "—" }} |
{% elif target_db %}| 2. Remote migrations | ⚠️ **missing** | — | — | — |
{% endif %}| 3. Deploy{{ " + health check" if pipeline.health_step }} | {{ code(pipeline.deploy.id) }} | \
{% for n in pipeline.deploy.needs %}{{ code(n) }} {% endfor %} | {{ code(pipeline.deploy.environment) }} | \
{{ pipeline.deploy.timeout_minutes ~ " min" if pipeline.deploy.timeout_minutes is not none else "—" }} |""",
    "environment_sections()": """\
{% for env in environments %}
### {{ "Top level" if env.is_top_level else "env." ~ env.name }}

- Worker: {{ code(env.worker_name) }}{% if env.env_flag %}, selected with {{ code(env.env_flag) }}{% endif %}
- Main module: {{ code(env.main) }}, compatibility date {{ code(env.compatibility_date) }}
- D1: {% for d in env.d1_databases %}{{ code(d.binding) }} → {{ code(d.name) }}{{ ", " if not loop.last }}\
{% else %}none{% endfor %}
- Defined at {{ code(env.location) }}
{% endfor %}""",
    "missing_roles()": "{% for role in pipeline.missing_roles %}{{ missing_role(role) }}\n{% endfor %}",
    'missing_roles("approval", "verify", "rollback")':
        '{% for role in pipeline.missing_roles if role in ("approval", "verify", "rollback") %}'
        "{{ missing_role(role) }}\n{% endfor %}",
}


def _env(name: str) -> Environment:
    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True)
    env.globals.update(build_context(load_project(ROOTS[name], site_root=GUIDES_DIR)))
    return env


@pytest.mark.parametrize("name", sorted(ROOTS))
def test_each_macro_writes_what_its_loop_wrote(name: str) -> None:
    env = _env(name)
    for call, old in OLD.items():
        assert env.from_string("{{ " + call + " }}").render() == env.from_string(old).render(), (name, call)


def test_the_projects_reach_both_sides_of_each_branch() -> None:
    """Not vacuous: some projects lack roles, a database, environments; others have them."""
    rendered = {name: _env(name).from_string("{{ deploy_order_table() }}{{ missing_roles() }}").render()
                for name in ROOTS}
    assert any("⚠️ **missing**" in text for text in rendered.values())
    assert any("2. Remote migrations | <code>" in text for text in rendered.values())
    assert any("!!! warning" in text for text in rendered.values())
    assert any("!!! warning" not in text for text in rendered.values())


@pytest.mark.parametrize(("concurrency", "shown"), [
    ({"group": "deploy", "cancel-in-progress": False}, code("deploy")),
    ("ci-${{ github.ref }}", code("ci-${{ github.ref }}")),  # the string form is the group (was "—")
    ({"cancel-in-progress": True}, "—"),  # no group: GitHub rejects it; the template failed the build
    (None, "—"),
])
def test_a_concurrency_group_in_either_form(concurrency: object, shown: str) -> None:
    assert _overview._concurrency(concurrency) == shown
