"""``missing_role(role)``: the admonition a page shows where a pipeline role the project lacks would be.

Each names what is missing, why it matters, and a minimal example of adding it with this project's own
names (worker, database, environment, workflow, job, secrets). The matching drift rule
(``pipeline-order``, ``migrations-dir``) fails verify at the workflow's or config's line.
"""

from __future__ import annotations

import re
import textwrap

from opsdocs.project.model import Project
from opsdocs.project.pipeline import Lane


# The two variables wrangler reads its credentials from, as each example's `env:` sets them.
_CREDENTIALS = ("CLOUDFLARE_API_TOKEN: ${{{{ secrets.{token} }}}}",
                "CLOUDFLARE_ACCOUNT_ID: ${{{{ secrets.{account} }}}}")


def _with_credentials(example: str) -> str:
    """A line that is only ``{credentials}`` becomes the two credential lines at its indentation."""
    return re.sub(r"^( *)\{credentials\}$", lambda m: "\n".join(m[1] + c for c in _CREDENTIALS), example,
                  flags=re.M)


def _indent(text: str) -> str:
    return textwrap.indent(textwrap.dedent(text).strip("\n"), "    ")


def _names(project: Project) -> dict[str, str]:
    pipeline = project.pipeline
    lane: Lane | None = pipeline.primary
    env = lane.env if lane else pipeline.top
    flag = f" --env {lane.env_name}" if lane and lane.env_name else (f" --env {env.name}" if env.name else "")
    dbs = env.d1_databases or project.wrangler.top.d1_databases
    return {
        "worker": env.worker_name, "flag": flag, "db": dbs[0].name if dbs else "<database>",
        "workflow": lane.workflow.relpath if lane else ".github/workflows/deploy.yml",
        "job": lane.deploy.job.id if lane else "deploy",
        "step": lane.deploy.name if lane else "Deploy",
        "token": (lane.credentials.token if lane and lane.credentials.token else "CLOUDFLARE_API_TOKEN"),
        "account": (lane.credentials.account if lane and lane.credentials.account else "CLOUDFLARE_ACCOUNT_ID"),
        "config": project.wrangler.relpath, "gh_env": (lane.github_env if lane and lane.github_env else "production"),
    }


_TEXT: dict[str, tuple[str, str, str]] = {
    # role: (title, why, example in YAML/text; {names} filled in)
    "deploy": (
        "No workflow deploys {worker}",
        "Nothing in `.github/workflows/` runs `wrangler deploy` (or `versions deploy`, `pages deploy`, "
        "wrangler-action) for `{config}`, so every release is a hand-run command nobody reviewed. The guides "
        "below describe the commands; the pipeline they assume does not exist yet.",
        """\
        # {workflow}
        name: deploy
        on:
          push:
            branches: [main]
        permissions: {{}}
        jobs:
          {job}:
            runs-on: ubuntu-latest
            timeout-minutes: 15
            environment: {gh_env}
            permissions:
              contents: read
            steps:
              - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
              - run: npx wrangler deploy{flag}
                env:
                  {credentials}""",
    ),
    "migrations": (
        "No remote migrations step before the deploy",
        "No step applies `{db}`'s D1 migrations remotely before job `{job}` deploys {worker}, so new code "
        "can go live on a schema that lacks its tables and columns.",
        """\
        # {workflow}, job {job}, before step "{step}"
        - name: Apply D1 migrations
          run: npx wrangler d1 migrations apply {db} --remote{flag}
          env:
            {credentials}""",
    ),
    "quality": (
        "No quality gate before the deploy",
        "Job `{job}` does not wait for the tests: a red build can reach {worker}.",
        """\
        # {workflow}
        jobs:
          test:
            uses: ./.github/workflows/ci.yml   # or a job that runs the tests
          {job}:
            needs: test""",
    ),
    "verify": (
        "Nothing checks the live Worker after the deploy",
        "After step \"{step}\" nothing requests the deployed {worker}: a broken release is found by users, "
        "not by the pipeline, and nothing can roll it back automatically.",
        """\
        # {workflow}, job {job}, after step "{step}"
        - name: Verify the deployment
          run: curl --fail --silent --show-error --retry 5 --retry-all-errors "$BASE_URL/health"
          env:
            BASE_URL: ${{{{ vars.BASE_URL }}}}""",
    ),
    "rollback": (
        "No automatic rollback when the check fails",
        "A failed post-deploy check leaves the broken version of {worker} serving until someone acts.",
        """\
        # {workflow}, job {job}, after the verification step
        - name: Roll back the Worker
          if: failure()
          run: npx wrangler rollback{flag} --message "post-deploy check failed" --yes
          env:
            {credentials}""",
    ),
    "approval": (
        "No approval gate",
        "Job `{job}` uses no GitHub environment, so nothing pauses a production deploy for a review and its "
        "secrets are readable by every job of the repository.",
        """\
        # {workflow}, job {job}
        environment: {gh_env}   # then add required reviewers under Settings › Environments""",
    ),
    "d1": (
        "No D1 database",
        "`{config}` binds no D1 database in the environment the pipeline deploys, so this part of the guides "
        "has nothing to describe. It applies once a `d1_databases` entry exists.",
        """\
        # {config} (JSONC; in wrangler.toml: [[d1_databases]])
        "d1_databases": [
          {{"binding": "DB", "database_name": "{worker}-db", "database_id": "<id from wrangler d1 create>"}}
        ]""",
    ),
}


def missing_role(project: Project, role: str) -> str:
    """A Material warning admonition for a missing role, with a copyable minimal example."""
    title, why, example = _TEXT[role]
    names = _names(project)
    body = why.format(**names) + "\n\n" + "```yaml\n" + _with_credentials(textwrap.dedent(example)).format(**names) + "\n```"
    return f'!!! warning "{title.format(**names)}"\n\n' + _indent(body) + "\n"


def missing_roles(project: Project, only: tuple[str, ...] = ()) -> str:
    """The admonition of every role the primary pipeline lacks (of ``only``, when given), each followed by
    a newline: what the pages' ``{% for role in pipeline.missing_roles %}`` loops wrote, in one tag."""
    return "".join(missing_role(project, role) + "\n" for role in project.pipeline.missing_roles
                   if not only or role in only)
