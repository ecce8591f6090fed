"""All Cypher lives in ``cypher/*.cypher``: product code outside the accessor holds none.

Reads the source of every product module (no import), takes its string literals (f-string parts
included, docstrings excluded: they teach by example) and fails on any that holds a Cypher clause.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("platform", "loaders", "trainers")
CLAUSE = re.compile(
    r"\b(?:OPTIONAL\s+MATCH|MATCH\s*\(|MERGE\s*\(|CREATE\s*\(|UNWIND\s+[$\[\w]|DETACH\s+DELETE|"
    r"CREATE\s+(?:VECTOR|FULLTEXT|INDEX|CONSTRAINT)|DROP\s+(?:INDEX|CONSTRAINT)|"
    r"CALL\s*\{|CALL\s+(?:db|dbms|apoc|gds)\.|SHOW\s+[A-Z]+|RETURN\s+[\w$(\[*])")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def cypher_in(path: Path) -> list[str]:
    """``file:line: text`` of every string literal of ``path`` that holds a Cypher clause."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.strip()[:80]!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and CLAUSE.search(node.value)]


def test_product_code_holds_no_cypher() -> None:
    found = [hit for folder in PRODUCT for path in sorted((ROOT / folder).rglob("*.py")) for hit in cypher_in(path)]
    assert found == [], "Cypher outside cypher/*.cypher (move it there, read it with repurpose.cypher.get):\n" + \
        "\n".join(found)


def test_the_check_finds_cypher(tmp_path: Path) -> None:
    sample = ROOT / "platform" / "_sample_for_test.py"
    try:
        sample.write_text('"""Doc: MATCH (n) RETURN n."""\nQ = "MATCH (n:Entity) RETURN n.id"\n'
                          'def f(x):\n    return f"UNWIND $rows AS r MERGE (n:{x} {{id: r}})"\n', encoding="utf-8")
        assert [hit.split(":")[1] for hit in cypher_in(sample)] == ["2", "4"]
    finally:
        sample.unlink()
