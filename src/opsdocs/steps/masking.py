"""Keep secret values out of everything opsdocs prints: step output, failure messages, reports.

Which values are masked:

- the Cloudflare credentials wrangler reads from the environment (``CLOUDFLARE_API_TOKEN``,
  ``CLOUDFLARE_API_KEY``, ``CLOUDFLARE_EMAIL`` and their legacy ``CF_*`` spellings);
- ``CLOUDFLARE_ACCOUNT_ID`` too. An account id is not a credential, but this project stores it as a
  GitHub secret and GitHub masks it in its own logs; a report that showed it would disagree with the CI
  log it sits next to, and it is half of what an attacker needs, so it is masked as well;
- every secret the workflows reference (``secrets.X`` in ``project.secrets``) whose name is set as an
  environment variable here (how CI hands secrets to a job).

Values shorter than 4 characters are not masked (as GitHub does): masking ``1`` or ``yes`` everywhere
would destroy the output and protect nothing. Multi-line values are masked line by line as well.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

from opsdocs.project.model import Project

__all__ = ["Masker", "MASK", "CREDENTIAL_ENV", "MIN_LENGTH"]

MASK = "***"
MIN_LENGTH = 4
from opsdocs._credentials import CREDENTIAL_ENV  # noqa: E402  (one list: opsdocs/_credentials.py)


def _transforms(value: str) -> set[str]:
    """Common re-spellings of a secret a step might print (reversed, base64, hex, upper/lower case): masked
    as well. A second line of defence only: a remote-read block cannot read the token in the first place."""
    import base64

    raw = value.encode()
    out = {value[::-1], raw.hex(), value.upper(), value.lower()}
    for enc in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        out.add(enc)
        out.add(enc.rstrip("="))
    # base64 of the value inside a longer text shifts by offset: the stable middle of each alignment
    for shift in (1, 2):
        enc = base64.b64encode(b"\0" * shift + raw).decode()
        middle = enc[4:-4]
        if len(middle) >= 12:
            out.add(middle)
    return {v for v in out if len(v) >= 8 and v != value}


class Masker:
    """Replace every known secret value in a text with ``***``."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        found: set[str] = set()
        for value in values:
            for part in (value, value.strip(), *(line.strip() for line in value.splitlines())):
                if len(part) >= MIN_LENGTH:
                    found.add(part)
                    found.update(_transforms(part))
        # Longest first, so a secret that contains another is replaced whole, never half-shown.
        self._values = tuple(sorted(found, key=len, reverse=True))
        self._pattern = re.compile("|".join(re.escape(v) for v in self._values)) if self._values else None

    @classmethod
    def from_env(
        cls,
        project: Project | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        extra_names: Iterable[str] = (),
    ) -> Masker:
        """Mask the credential variables, plus every ``secrets.X`` of ``project`` that is set in ``environ``."""
        env = os.environ if environ is None else environ
        names = set(CREDENTIAL_ENV) | set(extra_names)
        if project is not None:
            names |= set(project.secrets)
        return cls(env[name] for name in sorted(names) if env.get(name))

    @property
    def values(self) -> tuple[str, ...]:
        """The values masked (for combining Maskers; never print them)."""
        return self._values

    def __len__(self) -> int:
        return len(self._values)

    def __bool__(self) -> bool:
        return True  # an empty Masker is still a Masker (``masker or default`` must not drop it)

    def mask(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    __call__ = mask
