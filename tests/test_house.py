"""The house rules of the code base, checked: the shape docs/architecture.md describes stays true.

- views live in `<package>/views/` and do not reach into another package's models;
- states are compared and assigned through their enums, never as string literals;
- no module over 400 lines, no function over 50, no view over 30;
- a POST view does not commit or roll back by hand: `tx.unit_of_work` does.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "challenge"
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "static" not in p.parts)
MAX_MODULE, MAX_FUNCTION, MAX_VIEW = 400, 50, 30


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _package_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _is_view_module(path: Path) -> bool:
    return "views" in path.relative_to(PACKAGE).parts[:-1]


def _is_view(fn: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
               and d.func.attr in ("route", "get", "post") for d in fn.decorator_list)


def _functions(tree: ast.Module):
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _length(fn: ast.FunctionDef) -> int:
    """Lines of the function's body, without its docstring."""
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]
    if not body:
        return 0
    return body[-1].end_lineno - body[0].lineno + 1


def _is_state(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and (node.attr == "state" or node.attr.endswith("_state"))


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(_literal(e) for e in node.elts)


def _literal_states(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and _is_state(node.left) and any(_literal(c) for c in node.comparators):
            lines.append(node.lineno)
        elif isinstance(node, ast.Assign) and any(_is_state(t) for t in node.targets) and _literal(node.value):
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("in_", "not_in")
              and _is_state(node.func.value) and any(_literal(a) for a in node.args)):
            lines.append(node.lineno)
    return lines


def test_no_module_is_over_400_lines():
    long = {_name(p): n for p in SOURCES if (n := len(p.read_text().splitlines())) > MAX_MODULE}
    assert long == {}


def test_no_function_over_50_lines_and_no_view_over_30():
    long = []
    for path in SOURCES:
        for fn in _functions(_tree(path)):
            limit = MAX_VIEW if _is_view(fn) else MAX_FUNCTION
            if _length(fn) > limit:
                long.append(f"{_name(path)}:{fn.lineno} {fn.name} ({_length(fn)} > {limit})")
    assert long == []


def test_every_view_lives_in_a_views_package():
    elsewhere = [f"{_name(p)}:{fn.name}" for p in SOURCES if not _is_view_module(p)
                 for fn in _functions(_tree(p)) if _is_view(fn)]
    assert elsewhere == []


def test_no_view_imports_another_packages_models():
    crossing = []
    for path in (p for p in SOURCES if _is_view_module(p)):
        own = _package_of(path)
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".models"):
                parts = node.module.split(".")
                if parts[0] == "challenge" and len(parts) == 3 and parts[1] != own:
                    crossing.append(f"{_name(path)}:{node.lineno} {node.module}")
    assert crossing == []


def test_no_state_is_compared_or_set_with_a_string_literal():
    found = [f"{_name(p)}:{line}" for p in SOURCES for line in _literal_states(_tree(p))]
    assert found == []


def test_no_view_commits_or_rolls_back_by_hand():
    by_hand = []
    for path in (p for p in SOURCES if _is_view_module(p)):
        for node in ast.walk(_tree(path)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("commit", "rollback")):
                by_hand.append(f"{_name(path)}:{node.lineno}")
    assert by_hand == []


@pytest.mark.parametrize("source", ["x.state == 'draft'", "x.state = 'paid'", "X.state.in_(('a', 'b'))",
                                    "x.split_state in ('none', 'proposed')"])
def test_the_state_check_sees_literals(source):
    assert _literal_states(ast.parse(source)) == [1]


def test_the_state_check_allows_enums():
    assert _literal_states(ast.parse("x.state == State.DRAFT\nx.state = State.PAID\nX.state.in_(LIVE)")) == []
