"""Runbook blocks: finding them in rendered pages, their attributes, and the source line they map to."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsdocs.errors import PageError
from opsdocs.site.pages import RenderedPage
from opsdocs.steps import Runbook, Step, collect_steps, parse_page

FENCE = "```"


def page(source: str, text: str | None = None, relpath: str = "docs/p.md") -> RenderedPage:
    """A page as written and as rendered (the same text when no macro changes it)."""
    return RenderedPage(relpath, Path("/site") / relpath, source, source if text is None else text)


def only_step(source: str, text: str | None = None) -> Step:
    steps = parse_page(page(source, text)).steps
    assert len(steps) == 1, steps
    return steps[0]


def error(source: str, text: str | None = None) -> PageError:
    with pytest.raises(PageError) as info:
        parse_page(page(source, text))
    return info.value


def test_brace_block_becomes_a_step_with_every_attribute() -> None:
    src = (
        "# Migrations\n"
        "\n"
        '```{.bash title="Apply pending migrations" data-mode="rehearse" data-expect="No migrations to apply" '
        'data-expect-re="✅ No \\w+" data-exit="1" data-timeout="300"}\n'
        "npx wrangler d1 migrations apply ledger-db --local\n"
        "```\n"
    )
    step = only_step(src)
    assert step == Step(
        page="docs/p.md", line=3, mode="rehearse",
        command="npx wrangler d1 migrations apply ledger-db --local",
        title="Apply pending migrations", why=None, expect="No migrations to apply", expect_re="✅ No \\w+",
        exit_code=1, timeout_s=300.0,
    )
    assert step.location == "docs/p.md:3"
    assert step.id == "runbook:docs/p.md:3"


def test_defaults_when_attributes_are_absent() -> None:
    step = only_step('```{.sh data-mode="remote-read"}\nnpx wrangler whoami\n```\n')
    assert (step.mode, step.title, step.why, step.expect, step.expect_re) == ("remote-read", None, None, None, None)
    assert (step.exit_code, step.timeout_s) == (0, 120.0)


@pytest.mark.parametrize("lang", ["bash", "sh", "shell", "console", "BASH"])
def test_every_shell_language_is_a_step(lang: str) -> None:
    assert only_step(f'```{{.{lang} data-mode="rehearse"}}\necho hi\n```\n').command == "echo hi"


def test_never_block_keeps_its_why_and_command_is_verbatim_multiline() -> None:
    src = (
        '```{.bash data-mode="never" data-why=\'deploys to production\'}\n'
        "npx wrangler deploy \\\n"
        "  --env production\n"
        "\n"
        "```\n"
    )
    step = only_step(src)
    assert step.why == "deploys to production"
    assert step.command == "npx wrangler deploy \\\n  --env production"


def test_other_blocks_are_not_steps() -> None:
    src = (
        "```text\n✅ No migrations to apply!\n```\n\n"
        "```python\nprint(1)\n```\n\n"
        "```\nplain\n```\n\n"
        '```{.json title="x"}\n{}\n```\n'
    )
    assert parse_page(page(src)).steps == ()


def test_shell_fence_shown_inside_a_longer_fence_is_an_example_not_a_step() -> None:
    src = (
        "````markdown\n"
        "```bash\n"
        "echo this is an example of the syntax, with no mode\n"
        "```\n"
        "````\n"
        '```{.bash data-mode="rehearse"}\necho real\n```\n'
    )
    steps = parse_page(page(src)).steps
    assert [(s.line, s.command) for s in steps] == [(6, "echo real")]


def test_tilde_fences_and_a_tilde_inside_backticks() -> None:
    src = (
        '~~~{.bash data-mode="rehearse"}\n'
        "echo ```\n"
        "~~~~\n"
        "text\n"
    )
    step = only_step(src)
    assert step.command == "echo ```"


def test_backtick_fence_with_backtick_in_info_is_inline_code_not_a_fence() -> None:
    src = "```a`b```\n" + '```{.bash data-mode="rehearse"}\necho x\n```\n'
    assert only_step(src).line == 2


def test_indented_blocks_in_admonitions_and_content_tabs_are_dedented() -> None:
    src = (
        '!!! danger "Production"\n'
        "\n"
        '    ```{.bash data-mode="never" data-why="production"}\n'
        "    npx wrangler deploy --env production\n"
        "      --dry-run\n"
        "    ```\n"
        "\n"
        '=== "Local"\n'
        "\n"
        '    ```{.bash data-mode="rehearse"}\n'
        "    npx wrangler d1 migrations list DB --local\n"
        "    ```\n"
    )
    steps = parse_page(page(src)).steps
    assert [(s.line, s.mode, s.command) for s in steps] == [
        (3, "never", "npx wrangler deploy --env production\n  --dry-run"),
        (10, "rehearse", "npx wrangler d1 migrations list DB --local"),
    ]


def test_crlf_pages() -> None:
    step = only_step('```{.bash data-mode="rehearse"}\r\necho hi\r\n```\r\n')
    assert step.command == "echo hi"


def test_attribute_value_entities_and_unquoted_values() -> None:
    step = only_step('```{.bash #id .copy data-mode=rehearse data-expect="say &quot;hi&quot;" '
                     "data-timeout=5s}\necho 'say \"hi\"'\n```\n")
    assert (step.mode, step.expect, step.timeout_s) == ("rehearse", 'say "hi"', 5.0)


# --- rendered text -> source line ------------------------------------------------------------------


def test_macros_render_the_command_and_title_but_the_line_is_the_sources() -> None:
    src = (
        "{{ intro_paragraph() }}\n"
        '```{.bash title="Apply to {{ db.name }}" data-mode="rehearse"}\n'
        "npx wrangler d1 migrations apply {{ db.name }} --local\n"
        "```\n"
    )
    text = (
        "line one\nline two\nline three\n"
        '```{.bash title="Apply to ledger-db" data-mode="rehearse"}\n'
        "npx wrangler d1 migrations apply ledger-db --local\n"
        "```\n"
    )
    step = only_step(src, text)
    assert (step.line, step.title) == (2, "Apply to ledger-db")
    assert step.command == "npx wrangler d1 migrations apply ledger-db --local"


def test_block_written_by_a_macro_maps_to_the_macro_call() -> None:
    src = (
        '```{.bash data-mode="rehearse"}\n'  # 1
        "echo {{ first }}\n"
        "```\n"
        "\n"
        "Some prose.\n"  # 5
        "{{ apply_block(db) }}\n"  # 6: writes a whole fence
        "\n"
        '```{.bash data-mode="rehearse"}\n'  # 8
        "echo last\n"
        "```\n"
    )
    text = (
        '```{.bash data-mode="rehearse"}\necho one\n```\n\nSome prose.\n'
        '```{.bash data-mode="rehearse"}\nnpx wrangler d1 migrations apply DB --local\n```\n'
        '\n```{.bash data-mode="rehearse"}\necho last\n```\n'
    )
    steps = parse_page(page(src, text)).steps
    assert [s.line for s in steps] == [1, 6, 8]


def test_loop_writing_several_blocks_maps_each_to_the_loop() -> None:
    src = "Intro\n{% for env in envs %}\n" + '```{.bash data-mode="never" data-why="prod"}\n' + \
          "npx wrangler deploy {{ env.flag }}\n```\n{% endfor %}\n"
    text = "Intro\n" + "".join(
        f'```{{.bash data-mode="never" data-why="prod"}}\nnpx wrangler deploy {flag}\n```\n'
        for flag in ("", "--env production", "--env staging"))
    lines = [s.line for s in parse_page(page(src, text)).steps]
    assert lines[0] == 3  # the fence as written matches the first block
    assert lines[1:] == [6, 6]  # extra blocks: the first macro line after it ({% endfor %})


def test_macro_block_with_no_macro_line_maps_to_where_it_was_inserted() -> None:
    src = '```{.bash data-mode="rehearse"}\necho a\n```\nprose\n\nmore'
    text = '```{.bash data-mode="rehearse"}\necho a\n```\nprose\n```{.bash data-mode="rehearse"}\necho b\n```\n\nmore'
    assert [s.line for s in parse_page(page(src, text)).steps] == [1, 5]


def test_macro_block_before_any_source_fence() -> None:
    src = "{{ block() }}\n"
    text = '```{.bash data-mode="rehearse"}\necho b\n```\n'
    assert only_step(src, text).line == 1


# --- errors people meet ----------------------------------------------------------------------------


def test_block_without_mode_is_an_error_at_its_source_line() -> None:
    err = error('prose\n\n    ```{.bash title="x"}\n    echo hi\n    ```\n')
    assert (err.path, err.line, err.col) == ("docs/p.md", 3, 5)
    assert str(err).startswith("docs/p.md:3:5: bash block has no data-mode; add data-mode=")


def test_plain_fence_without_attributes_needs_a_mode() -> None:
    err = error("```bash\necho hi\n```\n")
    assert "bash block has no data-mode" in err.message
    assert err.hint and "rehearse" in err.hint


def test_plain_form_with_attributes_is_refused_with_the_brace_form_as_hint() -> None:
    err = error('```bash title="x" data-mode="rehearse"\necho hi\n```\n')
    assert "dropped when the page is rendered" in err.message
    assert err.hint == 'use the brace form: ```{.bash title="x" data-mode="rehearse"}, with data-* names'


def test_unknown_mode_suggests_the_closest() -> None:
    err = error('```{.bash data-mode="rehearsal"}\necho\n```\n')
    assert err.message == "unknown data-mode 'rehearsal'"
    assert err.hint == "did you mean 'rehearse'?"
    err = error('```{.bash data-mode="yolo"}\necho\n```\n')
    assert err.hint == "use rehearse, remote-read or never"


@pytest.mark.parametrize("why", ['', ' data-why=""', ' data-why="  "'])
def test_never_needs_a_why(why: str) -> None:
    err = error(f'```{{.bash data-mode="never"{why}}}\nnpx wrangler deploy\n```\n')
    assert err.message == "a never block needs data-why"


def test_typo_in_a_data_attribute_is_caught() -> None:
    err = error('```{.bash data-mode="rehearse" data-expected="ok"}\necho ok\n```\n')
    assert (err.message, err.hint) == ("unknown attribute data-expected", "did you mean data-expect?")
    err = error('```{.bash data-mode="rehearse" data-zzz="ok"}\necho ok\n```\n')
    assert err.hint is not None and err.hint.startswith("known: data-mode")


@pytest.mark.parametrize(("attr", "message"), [
    ('data-exit="one"', "data-exit must be a whole number, got 'one'"),
    ('data-exit="1.5"', "data-exit must be a whole number, got '1.5'"),
    ('data-exit="256"', "data-exit must be between 0 and 255, got 256"),
    ('data-exit="-1"', "data-exit must be between 0 and 255, got -1"),
    ('data-timeout="soon"', "data-timeout must be a number of seconds, got 'soon'"),
    ('data-timeout="0"', "data-timeout must be more than 0 seconds, got '0'"),
    ('data-timeout="-5"', "data-timeout must be more than 0 seconds, got '-5'"),
    ('data-timeout="inf"', "data-timeout must be more than 0 seconds, got 'inf'"),
    ('data-timeout="nan"', "data-timeout must be more than 0 seconds, got 'nan'"),
])
def test_bad_exit_and_timeout(attr: str, message: str) -> None:
    assert error(f'```{{.bash data-mode="rehearse" {attr}}}\necho\n```\n').message == message


def test_edge_values_of_exit_and_timeout_are_accepted() -> None:
    step = only_step('```{.bash data-mode="rehearse" data-exit="255" data-timeout="0.5"}\necho\n```\n')
    assert (step.exit_code, step.timeout_s) == (255, 0.5)
    assert only_step('```{.bash data-mode="rehearse" data-exit="0"}\necho\n```\n').exit_code == 0


def test_bad_regex() -> None:
    err = error('```{.bash data-mode="rehearse" data-expect-re="No (migrations"}\necho\n```\n')
    assert err.message.startswith("data-expect-re is not a valid regular expression: missing ), unterminated")


def test_unclosed_and_empty_blocks() -> None:
    assert error('text\n```{.bash data-mode="rehearse"}\necho hi\n').message == "shell block is not closed"
    assert error('```{.bash data-mode="rehearse"}\n\n   \n```\n').message == "shell block is empty"


def test_unreadable_attribute_lists() -> None:
    err = error('```{.bash data-mode="rehearse"\necho\n```\n')
    assert err.message == "unreadable fence attributes: attribute list is not closed with '}'"
    err = error('```{.bash data-mode="rehearse" "oops"}\necho\n```\n')
    assert err.message == "unreadable fence attributes: cannot read attribute at '\"oops\"'"


def test_mode_on_a_non_shell_block_is_an_error() -> None:
    err = error('```{.python data-mode="rehearse"}\nprint(1)\n```\n')
    assert err.message.startswith("data-mode on a python block")
    err = error('```{data-mode="rehearse"}\necho\n```\n')
    assert err.message.startswith("data-mode on a plain block")


def test_error_line_follows_the_source_not_the_rendered_text() -> None:
    src = "{{ long_intro() }}\n" + '```{.bash data-mode="wrong"}\necho\n```\n'
    text = "a\nb\nc\nd\n" + '```{.bash data-mode="wrong"}\necho\n```\n'
    assert error(src, text).line == 2


# --- collecting --------------------------------------------------------------------------------------


def test_collect_steps_one_runbook_per_page_with_steps_in_order() -> None:
    pages = [
        page('```{.bash data-mode="rehearse"}\necho 1\n```\n```{.bash data-mode="rehearse"}\necho 2\n```\n',
             relpath="docs/a.md"),
        page("# nothing to run\n```text\nout\n```\n", relpath="docs/b.md"),
        page('```{.bash data-mode="never" data-why="w"}\nnpx wrangler rollback\n```\n', relpath="runbooks/c.md"),
    ]
    books = collect_steps(pages)
    assert [b.page for b in books] == ["docs/a.md", "runbooks/c.md"]
    assert [s.command for s in books[0].steps] == ["echo 1", "echo 2"]
    assert isinstance(books[0], Runbook)


def test_collect_steps_raises_on_the_first_bad_page() -> None:
    pages = [page("ok\n", relpath="docs/a.md"), page("```sh\nls\n```\n", relpath="docs/bad.md")]
    with pytest.raises(PageError, match=r"^docs/bad.md:1:1: sh block has no data-mode"):
        collect_steps(pages)


def test_collecting_1000_pages_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """Titles and commands holding macros map to their source lines in one pass: no alignment (difflib,
    quadratic or worse in the lines of a page) runs at all. Speed itself is measured by benchmarks/run.py."""
    import difflib

    def no_alignment(*args: object, **kwargs: object) -> None:
        raise AssertionError("the line alignment ran for pages whose fences all match")

    monkeypatch.setattr(difflib, "SequenceMatcher", no_alignment)
    body = "".join(
        f"## Section {i}\n\nSome prose about {{{{ db.name }}}} and more prose.\n\n"
        f'!!! note\n    ```{{.bash title="Step {i}" data-mode="rehearse" data-expect="ok"}}\n'
        f"    npx wrangler d1 execute {{{{ db.name }}}} --local --command \"SELECT {i}\"\n    ```\n\n"
        "```text\noutput\n```\n\n"
        for i in range(10)
    )
    body = body.replace('title="Step {i}"', "") + "".join(
        f'```{{.bash title="{{{{ db.name }}}} step {i}" data-mode="rehearse"}}\necho {i}\n```\n' for i in range(50))
    text = body.replace("{{ db.name }}", "ledger-db")
    pages = [page(body, text, relpath=f"docs/p{n}.md") for n in range(200)]
    books = collect_steps(pages)
    assert sum(len(b.steps) for b in books) == 200 * 60
    assert books[-1].steps[9].command == 'npx wrangler d1 execute ledger-db --local --command "SELECT 9"'
    lines = body.split("\n")
    assert all('{{ db.name }} step' in lines[s.line - 1] for s in books[0].steps[10:])


def test_block_removed_by_a_macro_does_not_shift_the_others() -> None:
    src = ('{% if show_a %}\n```{.bash data-mode="rehearse"}\necho a\n```\n{% endif %}\n'
           '```{.bash data-mode="rehearse"}\necho b\n```\n')
    text = '\n```{.bash data-mode="rehearse"}\necho b\n```\n'
    assert only_step(src, text).line == 6


def test_pages_with_macro_written_blocks_are_still_fast() -> None:
    body = "".join(f"## S{i}\n\nprose {{{{ x }}}}\n\n{{{{ block({i}) }}}}\n\n" for i in range(10))
    text = "".join(f"## S{i}\n\nprose y\n\n```{{.bash data-mode=\"rehearse\"}}\necho {i}\n```\n\n" for i in range(10))
    pages = [page(body, text, relpath=f"docs/p{n}.md") for n in range(100)]
    books = collect_steps(pages)
    assert [s.line for s in books[0].steps] == [5 + 6 * i for i in range(10)]
