"""Which file each page of the site comes from: the built-in guides, overridden by the project's own.

As Material's ``custom_dir`` overrides theme files, a project's ``docs/<page>.md`` replaces the built-in
page of that path, and its other ``docs/**`` files and ``runbooks/*.md`` join the site. Only the built-in
site is overridden: a site of your own (``--site-root``, ``--config-file``) is taken as it is. The
MkDocs hooks and :func:`opsdocs.site.render.render_pages` (what verify checks) both read this one list.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["page_files", "project_extras", "runbook_pages", "overrides_apply"]


def _guides() -> Path:
    from opsdocs.project.load import GUIDES_DIR

    return GUIDES_DIR


def overrides_apply(site_root: Path, project_root: Path | None) -> bool:
    """The project's pages take part: the site is the built-in one and the project is another folder."""
    return project_root is not None and site_root.resolve() == _guides().resolve() \
        and project_root.resolve() != site_root.resolve()


def runbook_pages(site_root: Path, project_root: Path | None = None) -> list[Path]:
    """The drills, by name: the project's ``runbooks/<name>.md`` wins over the built-in one."""
    by_name: dict[str, Path] = {}
    roots = [site_root] + ([project_root] if project_root and overrides_apply(site_root, project_root) else [])
    for base in roots:
        directory = base / "runbooks"
        if directory.is_dir():
            # README.md describes the folder for GitHub readers; it is not a drill.
            by_name.update({p.name: p for p in directory.glob("*.md") if p.is_file() and p.name != "README.md"})
    return [by_name[name] for name in sorted(by_name)]


def _docs(base: Path, pattern: str) -> dict[str, Path]:
    directory = base / "docs"
    if not directory.is_dir():
        return {}
    return {p.relative_to(directory).as_posix(): p for p in sorted(directory.glob(pattern)) if p.is_file()}


def project_extras(site_root: Path, project_root: Path | None) -> tuple[dict[str, Path], dict[str, Path]]:
    """``(replacing, joining)``: the project's files under ``docs/`` (uri -> path) that replace a
    built-in file, and those that are new to the site."""
    if project_root is None or not overrides_apply(site_root, project_root):
        return {}, {}
    ours, theirs = _docs(site_root, "**/*"), _docs(project_root, "**/*")
    return ({u: p for u, p in theirs.items() if u in ours}, {u: p for u, p in theirs.items() if u not in ours})


def page_files(site_root: Path, project_root: Path | None = None) -> list[tuple[str, Path]]:
    """``(relpath, path)`` of every page, ``docs/**/*.md`` then ``runbooks/*.md``, sorted; relpath is
    the page's place in the site (``docs/rollback.md``), path the file it is read from."""
    docs = {**_docs(site_root, "**/*.md")}
    replacing, joining = project_extras(site_root, project_root)
    docs.update({u: p for u, p in {**replacing, **joining}.items() if u.endswith(".md")})
    out = [(f"docs/{uri}", docs[uri]) for uri in sorted(docs)]
    out += [(f"runbooks/{p.name}", p) for p in runbook_pages(site_root, project_root)]
    return out
