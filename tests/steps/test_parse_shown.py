"""A shell block is a step wherever the page shows it (quotes, lists, admonitions, tabs), and a block
hidden in an HTML comment is an error, never a silent step."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsdocs.errors import PageError
from opsdocs.site.pages import RenderedPage
from opsdocs.steps.parse import parse_page

B = '```{.bash data-mode="rehearse"}'


def steps(text: str) -> list[tuple[int, str]]:
    return [(s.line, s.command) for s in parse_page(RenderedPage("docs/p.md", Path("/x"), text, text)).steps]


@pytest.mark.parametrize(("text", "line"), [
    (f"> {B}\n> echo shown\n> ```\n", 1),
    (f"intro\n\n>{B}\n>echo shown\n>```\n", 3),
    (f"> > {B}\n> > echo shown\n> > ```\n", 1),
    (f"- {B}\n  echo shown\n  ```\n", 1),
    (f"1. first\n2. {B}\n   echo shown\n   ```\n", 2),
    (f"!!! note\n    {B}\n    echo shown\n    ```\n", 2),
    (f"!!! note\n    > {B}\n    > echo shown\n    > ```\n", 2),
    (f'=== "Tab"\n\n    {B}\n    echo shown\n    ```\n', 3),
])
def test_blocks_wherever_they_are_shown(text: str, line: int) -> None:
    assert steps(text) == [(line, "echo shown")]


@pytest.mark.parametrize("text", [
    "> ```bash\n> echo no mode\n> ```\n", "- ```sh\n  echo no mode\n  ```\n",
])
def test_a_quoted_block_needs_a_mode_too(text: str) -> None:
    with pytest.raises(PageError, match="no data-mode"):
        steps(text)


@pytest.mark.parametrize("text", [
    f"<!--\n{B}\necho hidden\n```\n-->\n", f"<!-- start\n\n{B}\necho hidden\n```\n\nend -->\n",
    "<!--\n```bash\necho hidden\n```\n-->\n", f"text <!-- a comment\n{B}\necho x\n```\n-->",
])
def test_blocks_in_html_comments_are_errors(text: str) -> None:
    with pytest.raises(PageError, match="HTML comment"):
        steps(text)


def test_closed_comments_hide_nothing() -> None:
    assert steps(f"<!-- a note -->\n{B}\necho ok\n```\n<!-- x --> <!-- y -->\n") == [(2, "echo ok")]
