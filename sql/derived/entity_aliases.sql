-- entity_aliases: every surface form met for each entity (US, U.S., the United States → United States), rebuilt
-- for the entities this publish touched (sql/publish/entities.sql: rebuilt_entities, rebuilt_mentions).
-- Mention spans leave out a leading "the"; the form with it, where the text has it, is an alias too. The "the" is
-- looked for in the mention's sentence (a few hundred characters), not the article: `substring` counts its way
-- to an offset, so on the article it cost each mention the length of the article.
delete from entity_aliases where entity_id in (select entity_id from rebuilt_entities);

insert into entity_aliases by name
with preceded as (
    select
        m.entity_id,
        s.sentence_text,
        m.start_char - s.start_char as offset_in_sentence,
        m.end_char - m.start_char as length
    from rebuilt_mentions as m
    join sentences as s using (article_id, sentence_index)
    where m.field = s.field and m.start_char - s.start_char >= 4
),

forms as (
    select entity_id, mention_text as alias
    from rebuilt_mentions

    union all

    select entity_id, substring(sentence_text, offset_in_sentence - 3, length + 4) as alias
    from preceded
    where lower(substring(sentence_text, offset_in_sentence - 3, 4)) = 'the '
)

select entity_id, alias, count(*) as mention_count
from forms
group by entity_id, alias
