"""Masker: credentials and the workflows' secrets never reach output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opsdocs.project.load import load_project
from opsdocs.steps.masking import MASK, Masker

WORKFLOW = """\
name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo deploying
        env:
          SENTRY_DSN: ${{ secrets.SENTRY_DSN }}
          TINY: ${{ secrets.TINY }}
"""


@pytest.fixture
def project_root(make_project: Callable[..., Path]) -> Path:
    return make_project({"src/index.js": "export default {};\n", ".github/workflows/deploy.yml": WORKFLOW})


def test_masks_credentials_and_workflow_secrets_set_in_the_environment(project_root: Path) -> None:
    project = load_project(project_root)
    assert "SENTRY_DSN" in project.secrets  # the name comes from the workflow, not from a list in the code
    environ = {
        "CLOUDFLARE_API_TOKEN": "cf-token-abcdef",
        "CLOUDFLARE_ACCOUNT_ID": "0123456789abcdef",
        "SENTRY_DSN": "https://key@sentry.example/1",
        "TINY": "abc",  # shorter than 4: masking it would wreck the output
        "HOME": "/home/someone",  # not a secret anywhere
    }
    masker = Masker.from_env(project, environ)
    text = ("token cf-token-abcdef account 0123456789abcdef dsn https://key@sentry.example/1 "
            "abc home /home/someone")
    assert masker(text) == f"token {MASK} account {MASK} dsn {MASK} abc home /home/someone"


def test_secret_of_another_project_is_not_masked(project_root: Path) -> None:
    masker = Masker.from_env(load_project(project_root), {"OTHER_SECRET": "value-1234"})
    assert masker("value-1234") == "value-1234"


def test_without_a_project_only_credentials_are_masked() -> None:
    masker = Masker.from_env(None, {"CLOUDFLARE_API_TOKEN": "tok-999999", "SENTRY_DSN": "dsn-999999"})
    assert masker("tok-999999 dsn-999999") == f"{MASK} dsn-999999"


def test_longest_first_so_nothing_is_half_shown() -> None:
    masker = Masker(["secret", "secret-and-more"])
    assert masker("x secret-and-more y secret") == f"x {MASK} y {MASK}"


def test_multiline_and_padded_values_are_masked_line_by_line() -> None:
    masker = Masker(["-----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY-----\n", "  padded-token \n"])
    out = masker("line AAAABBBBCCCC and padded-token and -----END KEY-----")
    assert "AAAABBBBCCCC" not in out and "padded-token" not in out and "END KEY" not in out


def test_regex_characters_in_values_are_literal() -> None:
    masker = Masker(["a.b*c+d"])
    assert masker("a.b*c+d axbbbcd") == f"{MASK} axbbbcd"


def test_empty_masker_leaves_text_alone() -> None:
    masker = Masker.from_env(None, {})
    assert len(masker) == 0 and masker("anything") == "anything"


@pytest.mark.parametrize("spell", [lambda t: t[::-1], lambda t: t.upper(), lambda t: t.encode().hex(),
                                   lambda t: __import__("base64").b64encode(t.encode()).decode(),
                                   lambda t: __import__("base64").b64encode(b"x" + t.encode()).decode(),
                                   lambda t: __import__("base64").b64encode(b"xy" + t.encode()).decode()])
def test_common_transforms_of_a_secret_are_masked(spell: object) -> None:
    token = "tok-ABCdef0123456789xyz"
    out = Masker([token]).mask(f"before {spell(token)} after")  # type: ignore[operator]
    assert "***" in out
    assert "ABCdef0123456789" not in out and "0123456789" not in out.replace("***", "")


def test_a_token_before_a_megabyte_is_not_cut_in_half(tmp_path: Path) -> None:
    import os
    import sys

    from opsdocs.steps._proc import run

    token = "tok-Z9y8X7w6V5u4T3s2R1q0"
    script = f"import sys; sys.stdout.write('{token}' + 'x' * ((1 << 20) - 12) + '\\n')"
    result = run([sys.executable, "-c", script], cwd=tmp_path, env=dict(os.environ), timeout_s=60)
    masked = Masker([token]).mask(result.output)
    for k in range(4, len(token)):
        assert token[k:] not in masked[:200]  # no tail of the token at the cut
