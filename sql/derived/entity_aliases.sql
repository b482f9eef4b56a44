-- entity_aliases: every surface form met for each entity (US, U.S., the United States → United States).
-- Mention spans leave out a leading "the"; the form with it, where the text has it, is an alias too.
with forms as (
    select entity_id, mention_text as alias
    from entity_mentions

    union all

    select
        m.entity_id,
        substring(
            field_text(m.field, a.title, a.body),
            m.start_char - 3,
            m.end_char - m.start_char + 4
        ) as alias
    from entity_mentions as m
    join articles as a using (article_id)
    where
        m.start_char >= 4
        and lower(substring(field_text(m.field, a.title, a.body), m.start_char - 3, 4)) = 'the '
)

select entity_id, alias, count(*) as mention_count
from forms
group by entity_id, alias
