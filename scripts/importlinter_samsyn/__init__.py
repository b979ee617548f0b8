"""Samsyn's own import-linter contract: no import cycle between any two modules.

import-linter's `acyclic_siblings` looks at siblings only (apps with apps, modules of one
package with each other); a cycle through two apps' modules (cases.selectors →
collaboration.selectors → cases.selectors) is what issue 11 found and what this forbids.
"""

from __future__ import annotations

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively; components of more than one module, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


class AcyclicModulesContract(Contract):
    """No module of `containers` (tests and migrations excepted) takes part in a cycle."""

    type_name = "acyclic_modules"

    containers = fields.ListField(subfield=fields.StringField())
    skip = fields.ListField(subfield=fields.StringField(), required=False)
    # Collapse modules to their first `depth` names (3: `samsyn.cases.selectors` stands
    # for the whole package); 0 looks at every module on its own.
    depth = fields.IntegerField(required=False, default=0)

    def _skipped(self, module: str) -> bool:
        return any(part in module.split(".") for part in (self.skip or ()))

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        modules = {
            m
            for container in self.containers
            for m in graph.find_descendants(container) | {container}
            if not self._skipped(m)
        }
        depth = int(self.depth or 0)

        def node(module: str) -> str:
            return ".".join(module.split(".")[:depth]) if depth else module

        edges: dict[str, set[str]] = {node(m): set() for m in modules}
        witness: dict[tuple[str, str], str] = {}
        for m in modules:
            for i in graph.find_modules_directly_imported_by(m):
                if i in modules and node(i) != node(m):
                    edges[node(m)].add(node(i))
                    witness.setdefault((node(m), node(i)), f"{m} -> {i}")
        cycles = _strongly_connected(edges)
        chains = []
        for component in cycles:
            members = set(component)
            chains.append([witness[(a, b)] for a in component for b in sorted(edges[a] & members)])
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles, "chains": chains})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for component, chain in zip(
            check.metadata["cycles"], check.metadata["chains"] + [[]] * 99, strict=False
        ):
            output.print_error(f"Import cycle between {len(component)} modules:")
            for module in component:
                output.indent_cursor()
                output.print_error(module)
            for line in chain[:10]:
                output.print_error("  import " + line)
            output.new_line()
