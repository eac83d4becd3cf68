"""Publication lists (issue 20): BibTeX / RIS / CSV import, bad files, co-author conflicts, affinity."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from shenbao.accounts.models import Publication
from shenbao.accounts.publications import PublicationFileError, name_keys, parse_publications
from shenbao.accounts.services.publications import PublicationImportError, import_publications, remove_publications
from shenbao.reviews.algorithms.affinity import text_matrices
from shenbao.reviews.enums import ConflictKind
from shenbao.reviews.models import PoolMember, StageEntry
from shenbao.reviews.queries.conflicts import Conflict, conflicts_for_call
from shenbao.reviews.services.assignment import application_text, publication_titles, reviewer_text
from tests.reviews.fixtures import ReviewSetup

THIS_YEAR = timezone.localdate().year


def bibtex(n: int, *, coauthor: str = "Li, Si", year: int = THIS_YEAR, own: str = "") -> bytes:
    """``n`` entries; every tenth is co-authored with ``coauthor`` (the others with strangers)."""
    entries = []
    for i in range(n):
        author = coauthor if i % 10 == 0 else f"Stranger{i}, A."
        authors = " and ".join(a for a in (own, author, 'M{\\"u}ller, Hans', "others") if a)
        entries.append(
            f"@article{{key{i},\n  title = {{Thermal management of {{L}}ithium batteries, part {i}}},\n"
            f"  author = {{{authors}}},\n  journal = {{Journal of Energy Storage}},\n  year = {{{year - i % 7}}}\n}}\n"
        )
    return "\n".join(entries).encode()


def test_bibtex_is_read_with_coauthors_years_and_accents() -> None:
    fmt, parsed = parse_publications(bibtex(200), filename="mine.bib")
    assert fmt == "bibtex" and len(parsed) == 200
    first = parsed[0]
    assert first.title == "Thermal management of Lithium batteries, part 0"
    assert first.coauthors == ["Li, Si", "Müller, Hans"]  # "others" is not a person
    assert first.year == THIS_YEAR and first.venue == "Journal of Energy Storage"
    assert parsed[3].year == THIS_YEAR - 3


def test_ris_and_csv_are_read() -> None:
    ris = b"TY  - JOUR\nTI  - Rice blast resistance\nAU  - Wang, Wu\nAU  - Zhao, Liu\nPY  - 2024\nJO  - Plant Cell\nER  - \n"
    fmt, parsed = parse_publications(ris, filename="export.ris")
    assert fmt == "ris"
    assert [(p.title, p.year, p.coauthors, p.venue) for p in parsed] == [
        ("Rice blast resistance", 2024, ["Wang, Wu", "Zhao, Liu"], "Plant Cell")
    ]
    csv_text = "标题,作者,年份\n固态电解质界面研究,张三；李四,2023\n\n储能系统热管理,王五,2021年\n"
    fmt, parsed = parse_publications(csv_text.encode("gb18030"), filename="list.csv")
    assert fmt == "csv"
    assert [(p.title, p.year, p.coauthors) for p in parsed] == [
        ("固态电解质界面研究", 2023, ["张三", "李四"]),
        ("储能系统热管理", 2021, ["王五"]),
    ]


@pytest.mark.parametrize(
    ("data", "filename", "code", "entry"),
    [
        (b"@article{a, title={Fine}, year={2020}}\n@article{b, title={Unclosed, year={2021}\n", "x.bib", "bibtex_syntax", 2),
        (b"author,year\nZhang,2020\n", "x.csv", "csv_no_title_column", None),
        (b"title,year\nA paper,someday\n", "x.csv", "bad_year", 2),
        (b"title,year\n,2020\n", "x.csv", "no_title", 2),
        (b"   \n", "x.bib", "empty", None),
        (b"this is not RIS\n", "x.ris", "ris_syntax", 1),
        (b"\xff\xfe\x00\x00\xff", "x.csv", "encoding", None),
    ],
)
def test_bad_files_are_error_codes(data: bytes, filename: str, code: str, entry: int | None) -> None:
    with pytest.raises(PublicationFileError) as refused:
        parse_publications(data, filename=filename)
    assert (refused.value.code, refused.value.entry) == (code, entry)


def test_name_keys_meet_across_orders_and_forms() -> None:
    assert name_keys("Zhang, San") & name_keys("San Zhang")
    assert name_keys("ZHANG San") & name_keys("zhang, san")
    assert name_keys("张三") == {"张三"}
    assert not name_keys("Zhang, San") & name_keys("Zhang, Wei")
    assert name_keys("  ") == set()


def test_import_of_200_entries_finds_coauthor_conflicts(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    expert = setup.experts["battery@example.com"]
    applicant = setup.applications[2].applicant  # 申请人2
    outcome = import_publications(
        user=expert, data=bibtex(200, coauthor="申请人2", own="电池专家"), filename="mine.bib", actor=expert
    )
    assert (outcome.format, outcome.read, outcome.added, outcome.already_there) == ("bibtex", 200, 200, 0)
    assert Publication.objects.filter(user=expert).count() == 200
    # The expert's own name is not kept as their co-author.
    assert all("电池专家" not in p.coauthors for p in Publication.objects.filter(user=expert))
    found = conflicts_for_call(setup.call)
    key = (setup.applications[2].pk, expert.pk)
    assert list(found) == [key]
    (conflict,) = found[key]
    assert (conflict.kind, conflict.source) == (ConflictKind.COLLABORATOR, "publication")
    assert conflict.detail.startswith("申请人2 · Thermal management of Lithium batteries, part ")
    assert applicant.person.name == "申请人2"
    # Importing the same list again adds nothing.
    again = import_publications(user=expert, data=bibtex(200, coauthor="申请人2"), filename="mine.bib", actor=expert)
    assert (again.added, again.already_there) == (0, 200)


def test_old_coauthors_are_no_conflict(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    expert = setup.experts["rice@example.com"]
    # Every entry at least four years old: beyond the call's three years.
    import_publications(user=expert, data=bibtex(5, coauthor="申请人1", year=THIS_YEAR - 10), filename="old.bib", actor=expert)
    assert conflicts_for_call(setup.call) == {}
    import_publications(
        user=expert, data=f"title,authors,year\nNew,申请人1,{THIS_YEAR}\n".encode(), filename="n.csv", actor=expert
    )
    assert conflicts_for_call(setup.call) == {
        (setup.applications[1].pk, expert.pk): [Conflict(ConflictKind.COLLABORATOR, "申请人1 · New", source="publication")]
    }


def test_a_bad_file_loses_nothing_already_saved(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    expert = setup.experts["ai@example.com"]
    import_publications(user=expert, data=bibtex(3), filename="good.bib", actor=expert)
    with pytest.raises(PublicationImportError) as refused:
        import_publications(user=expert, data=b"title,year\nGood,2020\nBad,someday\n", filename="bad.csv", actor=expert)
    assert str(refused.value) == "第 3 条的年份无法识别：“someday”。"
    assert Publication.objects.filter(user=expert).count() == 3
    with pytest.raises(PublicationImportError) as too_big:
        import_publications(user=expert, data=b"x" * (5 * 1024 * 1024 + 1), filename="big.bib", actor=expert)
    assert str(too_big.value) == "文件超过 5 MB。"
    # Removing takes only one's own publications.
    other = setup.experts["rice@example.com"]
    import_publications(user=other, data=bibtex(1), filename="o.bib", actor=other)
    theirs = list(Publication.objects.filter(user=other).values_list("pk", flat=True))
    mine = list(Publication.objects.filter(user=expert).values_list("pk", flat=True))
    assert remove_publications(user=expert, ids=[*theirs, mine[0]], actor=expert) == 1
    assert Publication.objects.filter(user=other).count() == 1
    assert Publication.objects.filter(user=expert).count() == 2


def test_publication_titles_feed_the_affinity(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    expert = setup.experts["general@example.com"]
    member = PoolMember.objects.select_related("user__person").get(call=setup.call, user=expert)
    entry = StageEntry.objects.select_related("application__direction").get(stage=setup.stage, application=setup.applications[3])
    before, _ = reviewer_text(member)
    import_publications(
        user=expert,
        data="title,year\n固态电解质的界面稳定性,2024\n电池材料的离子电导率,2023\n".encode(),
        filename="p.csv",
        actor=expert,
    )
    titles = publication_titles([expert.pk])
    assert titles == {expert.pk: ["固态电解质的界面稳定性", "电池材料的离子电导率"]}
    after, _ = reviewer_text(member, titles[expert.pk])
    assert "固态电解质的界面稳定性" in after and "固态电解质" not in before
    apps, revs = text_matrices([application_text(entry)], [before, after])
    scores = (apps @ revs.T).toarray()[0]
    assert scores[1] > scores[0]


def test_publication_page_imports_and_reports_bad_files(in_review: Callable[..., ReviewSetup]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    setup = in_review()
    expert = setup.experts["ai@example.com"]
    client = Client()
    client.force_login(expert)
    assert client.get("/me/publications/").status_code == 200
    good = SimpleUploadedFile("mine.bib", bibtex(2))
    assert client.post("/me/publications/", {"file": good}).status_code == 302
    page = client.get("/me/publications/").content.decode()
    assert "Thermal management of Lithium batteries, part 1" in page
    bad = SimpleUploadedFile("bad.bib", b"@article{x, title={Unclosed\n")
    refused = client.post("/me/publications/", {"file": bad})
    assert refused.status_code == 400
    assert "BibTeX 文件在第 1 行附近无法读取" in refused.content.decode()
    assert Publication.objects.filter(user=expert).count() == 2
    # Another user sees only their own list.
    other = Client()
    other.force_login(setup.experts["rice@example.com"])
    assert "Thermal management" not in other.get("/me/publications/").content.decode()
