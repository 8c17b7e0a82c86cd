"""House rules that a script can check over ``ovm/``: every module opens with
a docstring, and none is over 500 lines unless its docstring says why it is
one piece (the words "one piece" and the reason)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ovm"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 500


def _docstring(path: Path) -> str | None:
    return ast.get_docstring(ast.parse(path.read_text(), str(path)))


def test_the_package_has_modules():
    assert len(MODULES) > 100


def test_every_module_opens_with_a_docstring():
    missing = [str(path.relative_to(PACKAGE.parent)) for path in MODULES if not _docstring(path)]
    assert not missing, "no module docstring: " + ", ".join(missing)


def test_no_module_is_over_500_lines_unless_it_says_why_it_is_one_piece():
    too_long = []
    for path in MODULES:
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and "one piece" not in (_docstring(path) or "").lower():
            too_long.append(f"{path.relative_to(PACKAGE.parent)}: {lines} lines")
    assert not too_long, "split these along their seams, or say in the docstring why each is one piece:\n" + "\n".join(
        too_long
    )
