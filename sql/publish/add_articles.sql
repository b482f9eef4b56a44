-- The batch's new articles, with their sentence count and tone.
insert into articles by name
select a.*, s.sentence_count, s.tone
from staging.articles as a
left join (
    select article_id, count(*)::integer as sentence_count, article_tone(tone, sentence_index) as tone
    from staging.sentences
    group by article_id
) as s using (article_id);

-- Run once for each per-article table of the registry but `articles` (wiredesk/tables.py): sentences,
-- mentions, quotations, figures, tone terms, signatures.
insert into {article_row_table} by name
select * from staging.{article_row_table} where article_id in (select article_id from staging.articles);
