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


def test_every_declared_lifecycle_has_a_diagram() -> None:
    from shenbao.cli.workflows import TITLES, lifecycles

    text = workflows_markdown()
    names = [lc.name for lc in lifecycles()]
    assert set(names) >= set(TITLES)
    for name in names:
        assert f"\n## {TITLES.get(name, name)}\n" in text, name
    assert "    check_failed --> check_passed" in text  # an upheld reconsideration (复审成立)
