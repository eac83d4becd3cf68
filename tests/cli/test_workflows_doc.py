from pathlib import Path

from shenbao.cli.workflows import workflows_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_workflows_doc_matches_the_transition_tables() -> None:
    """docs/workflows.md is generated; regenerate it with `python manage.py write_workflows`."""
    assert (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8") == workflows_markdown()


def test_call_diagram_has_every_transition() -> None:
    text = workflows_markdown()
    assert "    draft --> published" in text
    assert "    in_review --> decided" in text
    assert "    archived --> [*]" in text
