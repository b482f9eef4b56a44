-- Who said what, and when?
-- One row per quotation with a named speaker: the speaker, their type and country, the day, the quote, and the
-- commodities and countries named in the quotation's sentence.
-- "What did Scott Bessent say about rare earths this month?":
--   from v_quotes_by_speaker where speaker = 'Scott Bessent' and list_contains(commodities, 'rare earths')
create or replace view v_quotes_by_speaker as
with sentence_commodities as (
    select article_id, sentence_index, list(distinct commodity order by commodity) as commodities
    from commodity_mentions
    group by article_id, sentence_index
),

sentence_countries as (
    select article_id, sentence_index, list(distinct country_code order by country_code) as countries
    from entity_mentions
    where country_code is not null and field = 'body'
    group by article_id, sentence_index
)

select
    e.canonical_name as speaker,
    e.entity_type as speaker_type,
    e.country_code as speaker_country,
    a.published_at::date as day,
    q.quote_text as quote,
    q.is_partial,
    q.cue,
    coalesce(c.commodities, []) as commodities,
    coalesce(k.countries, []) as countries,
    a.title,
    q.article_id,
    q.start_char,
    q.end_char,
    q.speaker_entity_id
from quotations as q
join entities as e on e.entity_id = q.speaker_entity_id
join articles as a using (article_id)
left join sentence_commodities as c using (article_id, sentence_index)
left join sentence_countries as k using (article_id, sentence_index)
order by day desc nulls last, speaker, q.article_id, q.start_char;
