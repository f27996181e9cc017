from pathlib import Path

from bootcamp import Registry
from bootcamp.catalogue import render_catalogue

DOC = Path(__file__).resolve().parents[2] / "docs" / "tasks.md"


def test_docs_tasks_md_is_current():
    assert DOC.exists(), "docs/tasks.md is missing: run `bootcamp tasks catalogue --out docs/tasks.md`"
    assert DOC.read_text(encoding="utf-8") == render_catalogue(Registry()), (
        "docs/tasks.md is stale: run `bootcamp tasks catalogue --out docs/tasks.md`"
    )
