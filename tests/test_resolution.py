"""Corpus-wide entity resolution at publish: short forms across articles, one type per name."""

import pytest

from tests.conftest import materialize_warehouse, query
from wiredesk.entities import load_organisation_names


def write(folder, name, text):
    (folder / name).write_text(text)


def build_from(tmp_path, **stories: str):
    """A warehouse built from the stories given as file name (dots as underscores) → text."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, text in stories.items():
        write(articles, name.replace("_", "."), text)
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(articles, db).success
    return db


def test_a_surname_alone_joins_the_one_full_name_in_the_warehouse(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    write(articles, "a.txt", "Summit ends\nPresident Donald Trump met Prime Minister Anthony Albanese in Canberra.\n")
    write(articles, "b.txt", "Tariffs loom\nTrump said on Tuesday that tariffs on steel would rise.\n")
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(articles, db).success
    rows = query(
        db,
        """select a.source_path, m.mention_text, e.canonical_name, e.entity_type
        from entity_mentions m join entities e using (entity_id) join articles a using (article_id)
        where m.mention_text like '%Trump%' order by 1""",
    )
    assert rows == [
        ("a.txt", "Donald Trump", "Donald Trump", "PERSON"),
        ("b.txt", "Trump", "Donald Trump", "PERSON"),
    ]
    assert query(db, "select mention_count, article_count from entities where canonical_name = 'Donald Trump'") == [
        (2, 2)
    ]


def test_an_ambiguous_surname_is_left_alone(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    write(articles, "a.txt", "Talks\nGeorge Bush met Helmut Kohl in Bonn on Monday.\n")
    write(articles, "b.txt", "Campaign\nJeb Bush spoke to voters in Miami on Friday.\n")
    write(articles, "c.txt", "Speech\nBush said the economy was strong, speaking in Houston.\n")
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(articles, db).success
    names = query(
        db,
        """select e.canonical_name from entity_mentions m join entities e using (entity_id)
        join articles a using (article_id) where a.source_path = 'c.txt' and m.mention_text = 'Bush'""",
    )
    assert names == [("Bush",)]


def test_resolution_follows_the_folder(tmp_path):
    """When the article with the full name goes, the short form in the other article stands alone again."""
    articles = tmp_path / "articles"
    articles.mkdir()
    write(articles, "a.txt", "Summit ends\nPresident Donald Trump met Prime Minister Anthony Albanese in Canberra.\n")
    write(articles, "b.txt", "Tariffs loom\nTrump said on Tuesday that tariffs on steel would rise.\n")
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(articles, db).success
    (articles / "a.txt").unlink()
    assert materialize_warehouse(articles, db).success
    assert query(db, "select canonical_name from entities where canonical_name like '%Trump%'") == [("Trump",)]


def test_an_entity_is_named_as_article_bodies_write_it(tmp_path):
    """Headline capitals never name an entity that bodies write otherwise; acronyms keep their capitals."""
    db = build_from(
        tmp_path,
        a_txt="WORLD BANK RAISES FORECAST\nThe World Bank raised its forecast, OPEC said on Monday.\n",
        b_txt="OPEC meets\nOPEC ministers met in Vienna, where the World Bank has an office.\n",
        c_txt="OPEC OUTPUT UP\nOpec output rose in March, oil ministers in OPEC said.\n",
    )
    names = {name for (name,) in query(db, "select canonical_name from entities where entity_type = 'ORG'")}
    assert {"World Bank", "OPEC"} <= names
    assert not {"WORLD BANK", "Opec"} & names


def test_an_acronym_joins_the_name_an_article_writes_beside_it(tmp_path):
    db = build_from(
        tmp_path,
        a_txt="Farm talks\nThe European Community (EC) will cut farm subsidies, EC ministers said in Brussels.\n",
        b_txt="Farm deal\nThe EC and the United States reached a deal on farm trade on Monday.\n",
    )
    rows = query(
        db,
        """select a.source_path, m.mention_text, m.canonical_name from entity_mentions m
        join articles a using (article_id) where m.entity_type = 'ORG' order by 1, m.start_char""",
    )
    assert ("b.txt", "EC", "European Community") in rows
    assert {name for _, _, name in rows} == {"European Community"}


def test_an_organisation_known_by_several_names_is_one_entity(tmp_path):
    """The shipped organisation names join what no single article writes side by side."""
    db = build_from(
        tmp_path,
        a_txt="Rates held\nThe Fed left interest rates unchanged on Wednesday, traders said.\n",
        b_txt="Policy\nThe Federal Reserve Board said on Monday that inflation had eased.\n",
        c_txt="Crop report\nThe USDA cut its forecast for the corn crop on Friday.\n",
        d_txt="Crop report\nThe U.S. Agriculture Department raised its forecast for the wheat crop.\n",
    )
    rows = query(
        db,
        """select m.mention_text, e.canonical_name, e.entity_type from entity_mentions m join entities e
        using (entity_id) where m.mention_text in ('Fed', 'Federal Reserve Board', 'USDA',
        'U.S. Agriculture Department') order by 1""",
    )
    assert rows == [
        ("Fed", "Federal Reserve", "ORG"),
        ("Federal Reserve Board", "Federal Reserve", "ORG"),
        ("U.S. Agriculture Department", "U.S. Department of Agriculture", "ORG"),
        ("USDA", "U.S. Department of Agriculture", "ORG"),
    ]
    assert query(db, "select article_count from entities where canonical_name = 'Federal Reserve'") == [(2,)]


@pytest.mark.parametrize(
    "rows, problem",
    [
        ("Fed,Federal Reserve\nFED,Federal Reserve Board\n", "aliases listed twice"),
        ("USDA,Agriculture Department\nAgriculture Department,U.S. Department of Agriculture\n", "also names"),
        ("Fed,\n", "needs an alias and a name"),
    ],
)
def test_organisation_names_file_is_checked(tmp_path, rows, problem):
    path = tmp_path / "names.csv"
    path.write_text("alias,name\n" + rows)
    with pytest.raises(ValueError, match=problem):
        load_organisation_names(path)
