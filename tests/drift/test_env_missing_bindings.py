"""env-missing-bindings: wrangler does not inherit vars or bindings into env.<name>."""

from __future__ import annotations

from drift_helpers import Build

from opsdocs.drift.env_missing_bindings import EnvMissingBindings

WRANGLER = """\
{
  "name": "demo-api",
  "main": "src/index.js",
  "vars": {"A": "1", "B": "2"},
  "d1_databases": [
    {"binding": "DB", "database_name": "demo-db"},
    {"binding": "CACHE_DB", "database_name": "cache"},
  ],
  "env": {
    "staging": {
      "vars": {"A": "1", "B": "2"},
      "d1_databases": [{"binding": "DB", "database_name": "demo-db-staging"}],
    },
    "production": {
      "vars": {"A": "1"},
      "d1_databases": [{"binding": "DB", "database_name": "p"}, {"binding": "CACHE_DB", "database_name": "c"}],
    },
    "bare": {},
    "complete": {
      "vars": {"A": "x", "B": "y", "EXTRA": "z"},
      "d1_databases": [{"binding": "DB", "database_name": "x"}, {"binding": "CACHE_DB", "database_name": "y"},
                       {"binding": "MORE", "database_name": "z"}],
    },
  },
}
"""


def test_each_environment_missing_something_is_one_finding_at_its_key(build: Build) -> None:
    project = build({"wrangler.jsonc": WRANGLER})
    findings = EnvMissingBindings().check(project, [])
    assert [(f.id, f.where) for f in findings] == [
        ("drift:env-missing-bindings:staging", "wrangler.jsonc:10"),
        ("drift:env-missing-bindings:production", "wrangler.jsonc:14"),
        ("drift:env-missing-bindings:bare", "wrangler.jsonc:18"),
    ]
    staging, production, bare = (f.message for f in findings)
    assert staging == ("env.staging lacks binding CACHE_DB from the top level, and wrangler does not inherit "
                       "them; repeat them under env.staging in wrangler.jsonc")
    assert production.startswith("env.production lacks var B from the top level")
    assert bare.startswith("env.bare lacks binding DB, binding CACHE_DB, var A, var B from")


def test_environments_that_repeat_everything_pass(build: Build) -> None:
    # An empty var still counts as repeated: the difference is written down.
    whole = """\
    {
      "name": "demo-api", "vars": {"A": "1"}, "d1_databases": [{"binding": "DB"}],
      "env": {"production": {"vars": {"A": ""}, "d1_databases": [{"binding": "DB", "database_name": "p"}]}},
    }
    """
    assert EnvMissingBindings().check(build({"wrangler.jsonc": whole}), []) == []
