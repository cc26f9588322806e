"""Config readers at their limits: TOML nested past Python's recursion limit and integers past its digit
limit (JSONC and TOML) are one located line, not a RecursionError or ValueError traceback."""

from __future__ import annotations

import pytest

from opsdocs.errors import ConfigError
from opsdocs.project._jsonc import parse_jsonc
from opsdocs.project._toml import parse_toml


@pytest.mark.parametrize("text", [
    'x = ' + "[" * 5000 + "]" * 5000 + "\n",
    'x = ' + "{a=" * 3000 + "1" + "}" * 3000 + "\n",
    'x = [' + "{a=[" * 1500 + "1" + "]}" * 1500 + "]\n",
])
def test_deep_toml_is_one_line(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_toml('name = "w"\n' + text, "wrangler.toml")
    assert "nested too deeply" in info.value.message and info.value.line == 1


@pytest.mark.parametrize("parse, text, line", [
    (parse_toml, 'name = "w"\nport = ' + "9" * 20000 + "\n", 2),
    (parse_jsonc, '{\n"name": "w",\n"port": ' + "9" * 20000 + "\n}", 3),
    (parse_jsonc, '{"vars": {"A": -' + "1" * 5000 + "}}", 1),
])
def test_huge_integers_are_located(parse: object, text: str, line: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse(text, "wrangler.cfg")  # type: ignore[operator]
    assert info.value.line == line and "\n" not in str(info.value)
    assert "ordinary size" in str(info.value)
