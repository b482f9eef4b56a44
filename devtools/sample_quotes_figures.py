"""`python -m devtools.sample_quotes_figures WAREHOUSE`: seeded random samples, for checking by hand, of
quotations with a speaker, of figures and of same-story pairs from the Reuters stories of a warehouse built by
`make eval ... EVAL_ARGS="--workdir DIR"` (the precision figures of the closing notes come from these)."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb


def _shuffled(con: duckdb.DuckDBPyConnection, count: int, seed: float) -> list[int]:
    """0..count-1 in a random order that the seed fixes."""
    con.execute("select setseed(?)", [seed])
    return [row[0] for row in con.execute(f"select i from range({count}) t(i) order by random()").fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--seed", type=float, default=0.7, help="DuckDB setseed value in [0, 1]")
    parser.add_argument("--size", type=int, default=50)
    args = parser.parse_args()
    con = duckdb.connect(str(args.warehouse), read_only=True)
    quotes = con.execute(
        """select a.external_id, q.start_char, q.end_char, q.speaker_text, e.canonical_name,
                  substring(a.body, greatest(least(q.start_char, q.speaker_start_char) - 60, 0) + 1,
                            greatest(q.end_char, q.speaker_end_char) - least(q.start_char, q.speaker_start_char) + 100)
        from quotations q join articles a using (article_id) left join entities e on e.entity_id = q.speaker_entity_id
        where a.source = 'Reuters-21578' and q.speaker_text is not null
        order by a.external_id, q.start_char""",
    ).fetchall()
    order = _shuffled(con, len(quotes), args.seed)
    for number, i in enumerate(order[: args.size], start=1):
        doc, start, end, text, entity, context = quotes[i]
        print(f"Q{number} {doc} [{start}:{end}] speaker={text!r} -> {entity} | ...{' '.join(context.split())}...")
    figures = con.execute(
        """select a.external_id, f.start_char, f.end_char, f.figure_text, f.value, f.unit, f.currency, f.kind,
                  f.commodity, substring(field_text(f.field, a.title, a.body), greatest(f.start_char - 60, 0) + 1, 140)
        from figures f join articles a using (article_id)
        where a.source = 'Reuters-21578' order by a.external_id, f.field, f.start_char""",
    ).fetchall()
    order = _shuffled(con, len(figures), args.seed)
    for number, i in enumerate(order[: args.size], start=1):
        doc, start, end, text, value, unit, currency, kind, commodity, context = figures[i]
        print(
            f"F{number} {doc} [{start}:{end}] {text!r} = {value} {unit} {currency} {kind} ({commodity}) | "
            f"...{' '.join(context.split())}..."
        )
    pairs = con.execute(
        """select a.external_id, a.title, b.external_id, b.title, a.published_at, b.published_at
        from story_clusters c, unnest(c.article_ids) as x(first_id), unnest(c.article_ids) as y(second_id),
             articles a, articles b
        where x.first_id < y.second_id and a.article_id = x.first_id and b.article_id = y.second_id
          and a.source = 'Reuters-21578'
        order by a.external_id, b.external_id"""
    ).fetchall()
    order = _shuffled(con, len(pairs), args.seed)
    for number, i in enumerate(order[: args.size], start=1):
        doc_a, title_a, doc_b, title_b, day_a, day_b = pairs[i]
        print(f"S{number} {doc_a} {day_a:%m-%d %H:%M} {title_a[:55]} || {doc_b} {day_b:%m-%d %H:%M} {title_b[:55]}")


if __name__ == "__main__":
    main()
