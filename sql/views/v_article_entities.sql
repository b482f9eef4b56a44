-- Which entities does each article name, and how central is each to the story?
create or replace view v_article_entities as
with final as (
    select
        a.article_id,
        a.title,
        a.published_at,
        e.canonical_name,
        e.entity_type,
        e.country_code,
        ae.mention_count,
        ae.in_title,
        ae.relevance
    from article_entities as ae
    join articles as a using (article_id)
    join entities as e using (entity_id)
)

select * from final
order by article_id, relevance desc
