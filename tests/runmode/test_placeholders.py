"""Placeholders: found in the command, checked against their format, offered from earlier output."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from opsdocs.runmode.offers import Offers
from opsdocs.runmode.placeholders import fill, find_placeholders, format_for, harvest, validate

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BOOKMARK = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683"
VERSION = "5f1c2b7a-5d4e-4a8b-9c6d-1e2f3a4b5c6d"


def test_variables_and_angle_notes_are_placeholders_but_set_variables_and_credentials_are_not() -> None:
    command = ('X=1 npx wrangler rollback "$VERSION_ID" --message "rollback: <what broke, run link>" '
               '&& echo $X ${BOOKMARK} $CLOUDFLARE_API_TOKEN $HOME')
    found = find_placeholders(command)
    assert [(p.name, p.token, p.format.kind) for p in found] == [
        ("VERSION_ID", "$VERSION_ID", "version-id"),
        ("what broke, run link", "<what broke, run link>", "text"),
        ("BOOKMARK", "${BOOKMARK}", "bookmark"),
    ]


def test_a_redirect_is_not_an_angle_placeholder() -> None:
    assert find_placeholders("sort <input.txt >out.txt") == []


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("VERSION_ID", VERSION, None),
    ("VERSION_ID", "5f1c2b7a", "not a version id"),
    ("BOOKMARK", BOOKMARK, None),
    ("BOOKMARK", VERSION, "not a bookmark"),
    ("TIMESTAMP", "2026-11-30T09:00:00Z", None),
    ("TIMESTAMP", "2026-11-30T09:00:00+02:00", None),
    ("TIMESTAMP", str(int(datetime(2026, 11, 20, tzinfo=UTC).timestamp())), None),
    ("TIMESTAMP", "2026-11-30T09:00:00", "add the time zone"),
    ("TIMESTAMP", "2026-12-02T09:00:00Z", "in the future"),
    ("TIMESTAMP", "2026-10-01T09:00:00Z", "older than 30 days"),
    ("TIMESTAMP", "yesterday", "not a timestamp"),
    ("OPSDOCS_BASE_URL", "https://x.example.workers.dev", None),
    ("OPSDOCS_BASE_URL", "x.example", "not a URL"),
    ("REGION", "weur", None),
    ("REGION", "a b", "one word"),
    ("REGION", "$(rm -rf /)", "not allowed"),
])
def test_formats(name: str, value: str, problem: str | None) -> None:
    got = validate(format_for(name), value, now=NOW)
    assert (got is None) if problem is None else (got is not None and problem in got), got


def test_free_text_refuses_what_would_break_out_of_its_quotes() -> None:
    text = format_for("what broke", angle=True)
    assert validate(text, "bad deploy, run 42") is None
    for bad in ('x" && rm -rf / "', "$(id)", "`id`", "a\\"):
        assert validate(text, bad) is not None


def test_fill_writes_values_into_the_command_and_quotes_a_bare_text_with_spaces() -> None:
    command = 'rollback "$VERSION_ID" --message "rollback: <what broke>" --tag <a tag>'
    version, note, tag = find_placeholders(command)
    filled = fill(command, {version: VERSION, note: "bad deploy", tag: "two words"})
    assert filled == f'rollback "{VERSION}" --message "rollback: bad deploy" --tag "two words"'


def test_candidates_are_harvested_from_output_newest_step_first() -> None:
    versions_list = f"Version ID:  {VERSION}\nCreated:  2026-11-30T09:00:00Z\nVersion ID:  11111111-2222-4333-8444-555555555555\n"
    found = harvest(versions_list)
    assert [v for v, _ in found["version-id"]] == [VERSION, "11111111-2222-4333-8444-555555555555"]
    assert found["timestamp"] == [("2026-11-30T09:00:00Z", "Created:  2026-11-30T09:00:00Z")]
    info = f"🚧 The current bookmark is '{BOOKMARK}'"
    assert harvest(info)["bookmark"] == [(BOOKMARK, info)]
    assert "version-id" not in harvest(info)  # a bookmark is not a version id

    offers = Offers({"BOOKMARK": BOOKMARK})
    offers.learn(versions_list, "Recent versions")
    ph = find_placeholders('"$VERSION_ID"')[0]
    assert [v for v, _ in offers.candidates(ph)] == [VERSION, "11111111-2222-4333-8444-555555555555"]
    assert offers.candidates(find_placeholders("$BOOKMARK")[0]) == [(BOOKMARK, "from --set")]
