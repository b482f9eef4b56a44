-- The batch's new articles, with their sentence count and tone.
insert into articles by name
select a.*, s.sentence_count, s.tone
from staging.articles as a
left join (
    select
        article_id,
        count(*)::integer as sentence_count,
        -- the story's own sentences: a photo caption or credits line is left out (wiredesk/furniture.py)
        article_tone(case when furniture is null then tone end, sentence_index) as tone
    from staging.sentences
    group by article_id
) as s using (article_id);

-- Entity mentions as their articles named them; resolve_entities.sql then decides, across the warehouse, which
-- entity each one is.
insert into entity_mentions by name
select
    *,
    article_name as canonical_name,
    article_type as entity_type,
    entity_key(article_type, article_name) as entity_id
from staging.entity_mentions
where article_id in (select article_id from staging.articles);

-- Run once for each table of the registry published as staged (wiredesk/tables.py): sentences, commodity
-- mentions, quotations, figures, tone terms, results (resolve_entities.sql decides each one's company),
-- signatures.
insert into {copied_table} by name
select * from staging.{copied_table} where article_id in (select article_id from staging.articles);
