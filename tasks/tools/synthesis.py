"""Synthesis tools: ``reaction_apply`` (run a library reaction) and ``building_blocks`` (look blocks up).

Both read the synthesis tasks' own library and block set (:mod:`tasks.chem._library`, :mod:`tasks.chem._blocks`),
so what a tool says is what the route verifier will accept. Arguments are hostile input: reactant counts,
SMILES and SMARTS lengths and atoms, and the number of blocks returned are capped; RDKit is imported inside
the tools so importing this module stays cheap.
"""

from __future__ import annotations

import json
from typing import Any

from bootcamp.env.tools import ToolError, tool

#: Modules the sandbox runner imports before it starts timing calls.
SANDBOX_PRELOAD = ("rdkit.Chem", "tasks.chem._routes")
#: Most blocks one lookup returns, and its default.
MAX_LIMIT = 25
DEFAULT_LIMIT = 10
MAX_QUERY_CHARS = 120
MAX_QUERY_ATOMS = 25


def _canonical(smiles: Any) -> str:
    from tasks.chem._routes import MAX_ATOMS, MAX_SMILES_CHARS, canonical

    if not isinstance(smiles, str) or not smiles.strip():
        raise ToolError("each reactant must be a non-empty SMILES string")
    can = canonical(smiles.strip())
    if can is None:
        raise ToolError(f"invalid SMILES {smiles[:60]!r} (it does not parse, is over {MAX_SMILES_CHARS} characters "
                        f"or over {MAX_ATOMS} heavy atoms)")
    if "." in can:
        raise ToolError("one molecule per reactant")
    return can


@tool("reaction_apply",
      "Apply a named library reaction to reactants (SMILES, any order). Returns JSON: the products, whether the "
      "product is unique (a valid route step needs exactly one), and any group that rules the reaction out.",
      {"type": "object", "properties": {
          "reaction": {"type": "string", "description": "library reaction name, e.g. amide_coupling"},
          "reactants": {"type": "array", "items": {"type": "string"}, "maxItems": 3,
                        "description": "reactant SMILES, e.g. [\"OC(=O)c1ccccc1\", \"NCc1ccccc1\"]"}},
       "required": ["reaction", "reactants"], "additionalProperties": False}, timeout_s=5.0)
def reaction_apply(args: dict[str, Any], context: dict[str, Any]) -> str:
    from tasks.chem._library import LIBRARY, forbidden_in
    from tasks.chem._routes import MAX_REACTANTS, _mol, template_products

    name = args["reaction"]
    if name not in LIBRARY:
        raise ToolError(f"unknown reaction {str(name)[:60]!r}; known: {', '.join(LIBRARY)}")
    reactants = args["reactants"]
    if not isinstance(reactants, list) or not 1 <= len(reactants) <= MAX_REACTANTS:
        raise ToolError(f"reactants must be a list of 1 to {MAX_REACTANTS} SMILES")
    cans = tuple(_canonical(s) for s in reactants)
    products = template_products(name, cans)
    if products is None:
        need = len(LIBRARY[name].requires)
        raise ToolError(f"{name} takes {need} reactant(s) ({', '.join(LIBRARY[name].requires)}); these do not fit it")
    bad = forbidden_in(name, [_mol(s) for s in cans])
    return json.dumps({"products": list(products[:10]), "unique": len(products) == 1,
                       "ruled_out_by": bad})


@tool("building_blocks",
      "Look up the task's building blocks. by='smiles': is this molecule a block; by='substructure': blocks "
      "containing a SMARTS/SMILES pattern; by='group': blocks with a functional group (e.g. 'boronic acid', "
      "'aryl bromide or iodide', 'amine N-H'); by='reaction': blocks that fit a library reaction (e.g. "
      "'suzuki_coupling'). Returns JSON with the total count and at most `limit` SMILES.",
      {"type": "object", "properties": {
          "query": {"type": "string"}, "by": {"type": "string", "enum": ["smiles", "substructure", "group", "reaction"]},
          "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
       "required": ["query", "by"], "additionalProperties": False}, timeout_s=5.0)
def building_blocks(args: dict[str, Any], context: dict[str, Any]) -> str:
    from tasks.chem._blocks import block_set, blocks_for, load_blocks
    from tasks.chem._library import GROUP_SMARTS, LIBRARY, role_templates

    query, by = args["query"], args["by"]
    limit = args.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ToolError(f"limit must be an integer from 1 to {MAX_LIMIT}")
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY_CHARS:
        raise ToolError(f"query must be a non-empty string of at most {MAX_QUERY_CHARS} characters")
    query = query.strip()
    if by == "smiles":
        can = _canonical(query)
        return json.dumps({"smiles": can, "is_block": can in block_set()})
    if by == "group":
        if query not in GROUP_SMARTS:
            raise ToolError(f"unknown group {query[:60]!r}; groups: {', '.join(GROUP_SMARTS)}")
        found = [s for s, g in load_blocks() if query in g.split(";")]
    elif by == "reaction":
        if query not in LIBRARY:
            raise ToolError(f"unknown reaction {query[:60]!r}; known: {', '.join(LIBRARY)}")
        found = sorted({s for j in range(len(role_templates(query))) for s in blocks_for(query, j)})
    elif by == "substructure":
        found = _substructure(query)
    else:
        raise ToolError("by must be one of smiles, substructure, group, reaction")
    return json.dumps({"count": len(found), "blocks": found[:limit]})


def _substructure(query: str) -> list[str]:
    from rdkit import Chem

    from tasks.chem._blocks import block_mol, load_blocks

    if "$(" in query:
        raise ToolError("recursive SMARTS ($(...)) is not supported")
    try:
        pattern = Chem.MolFromSmarts(query)
    except Exception:  # noqa: BLE001 - RDKit raises on some malformed patterns
        pattern = None
    if pattern is None:
        raise ToolError(f"invalid SMARTS {query[:60]!r}")
    if pattern.GetNumAtoms() > MAX_QUERY_ATOMS:
        raise ToolError(f"pattern of {pattern.GetNumAtoms()} atoms; at most {MAX_QUERY_ATOMS}")
    return [s for s, _ in load_blocks() if block_mol(s).HasSubstructMatch(pattern)]
