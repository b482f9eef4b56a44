-- article_entities: how prominent each entity is in each article (title, lead, frequency, position).
with per_article as (
    select
        article_id,
        entity_id,
        count(*) as mention_count,
        bool_or(field = 'title') as in_title,
        bool_or(sentence_index between 1 and 2) as in_lead,
        min(sentence_index) as first_sentence_index
    from entity_mentions
    group by article_id, entity_id
),

totals as (
    select article_id, sum(mention_count) as article_mentions, max(mention_count) as top_count
    from per_article
    group by article_id
),

final as (
    select
        p.*,
        prominence(p.in_title, p.in_lead, p.mention_count, t.top_count, p.first_sentence_index, a.sentence_count)
            as relevance
    from per_article as p
    join totals as t using (article_id)
    join articles as a using (article_id)
)

select * from final
