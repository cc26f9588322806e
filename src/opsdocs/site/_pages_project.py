"""What the guides show in place of ``wrangler deploy --dry-run`` for a Cloudflare Pages project.

``wrangler deploy`` is the Workers command: on a config with ``pages_build_output_dir`` wrangler warns that
``wrangler pages deploy`` should be used, and without ``main`` or ``assets`` it stops ("Missing entry-point
to Worker script or to assets directory"). A Pages project uploads its output folder as it is; what wrangler
builds for it, offline, is its Functions (``functions/`` beside the config): ``wrangler pages functions
build``. A page that showed the Workers build would fail its rehearsal and teach the wrong command.
"""

from __future__ import annotations

from opsdocs.project.model import Project
from opsdocs.site._tables import code

__all__ = ["pages_build", "pages_rollback"]


def pages_build(project: Project) -> str:
    """An admonition on how this Pages project builds, with a rehearsed Functions build when it has any."""
    config = project.wrangler
    out_dir = config.pages_output_dir or "."
    functions = config.pages_functions
    where = code("functions/")
    text = (f'!!! note "A Pages project: `wrangler deploy` does not build it"\n'
            f"    {code(config.relpath)} sets {code('pages_build_output_dir: ' + out_dir)}: the project's own "
            f"build writes {code(out_dir + '/')}, and {code('wrangler pages deploy ' + out_dir)} uploads it as "
            f"it is. {code('wrangler deploy --dry-run')} is the Workers build; on this config wrangler warns "
            f"that {code('wrangler pages deploy')} should be used instead.\n")
    if functions is None or not functions.is_dir():
        return text + (f"    There is no {where} folder beside the config, so wrangler has "
                       f"nothing to bundle offline: check the site with the project's own build.\n")
    block = ('```{.bash title="Build the Pages Functions offline" data-mode="rehearse" '
             'data-expect="Compiled Worker successfully"}\n'
             "npx wrangler pages functions build --outdir dist-functions\n```\n")
    return text + f"\nIts Functions ({where}) build offline as they would on deploy:\n\n" + block


def pages_rollback(project: Project) -> str:
    """For a Pages project, the warning the rollback page opens with; nothing for a Worker."""
    config = project.wrangler
    if config.pages_output_dir is None:
        return ""
    name = config.name or "<project>"
    return (f'!!! warning "A Pages project: the Worker commands below do not roll it back"\n'
            f"    {code(config.relpath)} is a Cloudflare Pages project ({code('pages_build_output_dir')}). "
            f"{code('wrangler rollback')}, {code('wrangler versions')} and {code('wrangler deployments')} act "
            f"on Workers. wrangler's {code('pages deployment')} commands are list, create, tail and delete, "
            f"with no rollback: see what is live with "
            f"{code('npx wrangler pages deployment list --project-name ' + name)}, and put earlier code back by "
            f"deploying that commit's build output again ({code('npx wrangler pages deploy ' + config.pages_output_dir + ' --project-name ' + name)}) "
            f"or from the project's deployments in the Cloudflare dashboard."
            + (" D1 Time Travel below applies as it is." if project.databases else "") + "\n")
