"""Internal links and anchors of a built site, checked offline on real files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from links_helpers import page

from opsdocs.errors import EnvironmentProblem
from opsdocs.links import check_site_links
from opsdocs.report.finding import Finding

MakeSite = Callable[[dict[str, str]], Path]


def failed(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status == "failed"]


def test_all_good_gives_one_passed_finding_with_counts(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<a href="guide/">guide</a> <a href="guide/#setup">setup</a> <a href="#">top</a>'
            ),
            "guide/index.html": page('<h2 id="setup">Setup</h2><a href="../">home</a>'),
        }
    )
    findings = check_site_links(site)
    assert [(f.kind, f.status) for f in findings] == [("link", "passed")]
    # guide/index.html, guide/index.html#setup, index.html ("#" alone is not a link to check)
    assert findings[0].message == "3 distinct internal links across 2 pages ok"


def test_missing_file_is_reported_once_with_pages_and_lines(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page('<p>\n<a href="nope/">x</a></p>'),
            "a/index.html": page('<a href="../nope/">x</a>'),
            "b/index.html": page('\n\n<a href="../nope/index.html">x</a>'),
            "c/index.html": page('<a href="/nope/">x</a>'),
        }
    )
    [broken] = failed(check_site_links(site))
    assert broken.kind == "link"
    assert broken.id == "link:nope/index.html"
    assert "missing file nope/index.html" in broken.message
    assert (
        "in 4 pages: site/a/index.html:4, site/b/index.html:6, site/c/index.html:4 and 1 more"
        in broken.message
    )
    assert broken.where == "site/a/index.html:4"
    assert broken.line == 4


def test_missing_anchor_names_target_and_anchor(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<a href="guide/#stepz">go</a> <a href="#here">here</a> <span id="here"></span>'
            ),
            "guide/index.html": page('<h2 id="step">Step</h2>'),
        }
    )
    [broken] = failed(check_site_links(site))
    assert broken.id == "link:guide/index.html#stepz"
    assert "missing anchor #stepz in guide/index.html" in broken.message
    assert 'written "guide/#stepz"' in broken.message
    assert broken.where == "site/index.html:4"


def test_missing_same_page_anchor(make_site: MakeSite) -> None:
    site = make_site({"index.html": page('<h1 id="top-title">T</h1>\n<a href="#top-titel">typo</a>')})
    [broken] = failed(check_site_links(site))
    assert "missing anchor #top-titel in index.html" in broken.message
    assert broken.where == "site/index.html:5"


@pytest.mark.parametrize(
    "href",
    [
        "../guide/",  # directory URL -> index.html
        "../guide",  # directory without the slash: servers redirect to guide/
        "../guide/index.html",
        "./../guide/./",
        "../guide/?q=1#setup",  # query ignored, anchor kept
        "../my%20file.html",  # %20 escape
        "../my%20file.html#sp%C3%A4ter",  # percent-encoded anchor matched decoded
        "/guide/",  # root-relative
        "../guide/#top",  # "top" is the page top, always there
        "../img/logo.svg#icon",  # not an HTML page: its fragment is not ours to check
    ],
)
def test_browser_resolution(make_site: MakeSite, href: str) -> None:
    site = make_site(
        {
            "guide/index.html": page('<h2 id="setup">Setup</h2>'),
            "my file.html": page('<h2 id="später">Later</h2>'),
            "img/logo.svg": "<svg/>",
            "docs/index.html": page(f'<a href="{href}">x</a>'),
        }
    )
    assert failed(check_site_links(site)) == []
    # the same href one level deeper no longer resolves (except the root-relative one)
    deeper = make_site({"docs/deeper/index.html": page(f'<a href="{href}">x</a>')})
    broken = failed(check_site_links(deeper))
    assert len(broken) == (0 if href.startswith("/") else 1)


def test_src_and_link_href_are_checked(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<img alt="d" src="img/missing.png">\n<script src="js/app.js"></script>',
                head='<link rel="stylesheet" href="css/missing.css">',
            ),
            "js/app.js": "",
        }
    )
    messages = sorted(f.message for f in failed(check_site_links(site)))
    assert len(messages) == 2
    assert "missing file css/missing.css" in messages[0]
    assert "missing file img/missing.png" in messages[1]


def test_ignored_schemes_search_index_and_empty_anchor(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<a href="mailto:ops@example.com">m</a> <a href="tel:+123">t</a>'
                ' <a href="javascript:void(0)">j</a>'
                ' <img src="data:image/png;base64,AAAA"> <a href="#">top</a> <a href="">self</a>'
                ' <a href="search/search_index.json">s</a> <a href="https://example.invalid/x">ext</a>'
            ),
        }
    )
    findings = check_site_links(site)
    assert [f.status for f in findings] == ["passed"]
    assert findings[0].message == "0 distinct internal links across 1 pages ok"


def test_text_that_looks_like_a_link_is_not_a_link(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<p>Write <code>&lt;a href="missing.html"&gt;</code> like this.</p>\n'
                '<div data-href="also-missing.html"></div>\n'
                '<!-- <a href="commented-out.html">old</a> -->\n'
                '<script>var a = \'<a href="in-script.html">\'; location.href="x.html";</script>\n'
            ),
        }
    )
    assert failed(check_site_links(site)) == []


def test_ids_in_text_do_not_satisfy_an_anchor(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<a href="#install">i</a> <a href="#setup">s</a>\n'
                '<p>Use <code>&lt;h2 id="install"&gt;</code></p> <div data-id="setup"></div>'
                '<!-- <h2 id="setup"> -->'
            ),
        }
    )
    assert sorted(f.id for f in failed(check_site_links(site))) == [
        "link:index.html#install",
        "link:index.html#setup",
    ]


def test_legacy_name_anchor_counts(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<a name="old-anchor"></a> <a href="#old-anchor">x</a> <a href="#meta">y</a>',
                head='<meta name="meta" content="not an anchor">',
            ),
        }
    )
    assert [f.id for f in failed(check_site_links(site))] == ["link:index.html#meta"]


def test_upper_case_attributes_and_single_or_no_quotes(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page("<A HREF='gone.html'>x</A> <a href=alsogone.html>y</a> <IMG SRC=\"pic.png\">"),
        }
    )
    ids = sorted(f.id for f in failed(check_site_links(site)))
    assert ids == ["link:alsogone.html", "link:gone.html", "link:pic.png"]


def test_link_above_the_site_root_is_broken(make_site: MakeSite) -> None:
    site = make_site({"index.html": page('<a href="../outside.html">x</a>')})
    [broken] = failed(check_site_links(site))
    assert "outside the site" in broken.message


def test_own_site_url_is_checked_offline(make_site: MakeSite) -> None:
    site = make_site(
        {
            "index.html": page(
                '<a href="https://docs.example.com/ops/guide/">g</a> <a href="/ops/gone/">x</a>',
                head='<link rel="canonical" href="https://docs.example.com/ops/">',
            ),
            "guide/index.html": page(""),
            "404.html": page('<link href="/ops/guide/">'),
        }
    )
    [broken] = failed(check_site_links(site))
    assert broken.id == "link:gone/index.html"


def test_location_root(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"rollback/index.html": page('\n<a href="../nope/">x</a>')})
    [broken] = failed(check_site_links(site, location_root=tmp_path.parent))
    assert broken.where == f"{tmp_path.name}/site/rollback/index.html:5"


def test_no_site_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem) as err:
        check_site_links(tmp_path / "site")
    hint = "build it first: mkdocs build (or opsdocs build)"
    assert str(err.value) == f"{tmp_path / 'site'}: no built site to check links in; {hint}"
    (tmp_path / "empty").mkdir()
    with pytest.raises(EnvironmentProblem, match="no HTML pages"):
        check_site_links(tmp_path / "empty")
