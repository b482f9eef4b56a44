"""Corpus-wide entity resolution at publish: short forms across articles, one type per name."""

from tests.conftest import build_warehouse, query


def write(folder, name, text):
    (folder / name).write_text(text)


def test_a_surname_alone_joins_the_one_full_name_in_the_warehouse(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    write(articles, "a.txt", "Summit ends\nPresident Donald Trump met Prime Minister Anthony Albanese in Canberra.\n")
    write(articles, "b.txt", "Tariffs loom\nTrump said on Tuesday that tariffs on steel would rise.\n")
    db = tmp_path / "w.duckdb"
    assert build_warehouse(articles, db).success
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
    assert build_warehouse(articles, db).success
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
    assert build_warehouse(articles, db).success
    (articles / "a.txt").unlink()
    assert build_warehouse(articles, db).success
    assert query(db, "select canonical_name from entities where canonical_name like '%Trump%'") == [("Trump",)]
