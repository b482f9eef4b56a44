-- How much is each commodity in the news each day, and which way does the news say it moved?
-- `story_count` counts a story once however many times the wire re-sent, updated or corrected it
-- (article_stories); `article_count` counts every article.
create or replace view v_commodity_mentions_daily as
with dated as (
    select
        cast(a.published_at as date) as day,
        m.commodity,
        m.commodity_group,
        m.article_id,
        coalesce(s.cluster_id, m.article_id) as story_id,
        m.direction
    from commodity_mentions as m
    join articles as a using (article_id)
    left join article_stories as s using (article_id)
),

final as (
    select
        day,
        commodity,
        commodity_group,
        count(*) as mention_count,
        count(distinct article_id) as article_count,
        count(distinct story_id) as story_count,
        count(*) filter (where direction = 'up') as up_mentions,
        count(*) filter (where direction = 'down') as down_mentions,
        count(*) filter (where direction = 'flat') as flat_mentions
    from dated
    group by day, commodity, commodity_group
)

select * from final
order by day nulls last, mention_count desc, commodity
