-- How much is each commodity in the news each day, and which way does the news say it moved?
create or replace view v_commodity_mentions_daily as
with dated as (
    select
        cast(a.published_at as date) as day,
        m.commodity,
        m.commodity_group,
        m.article_id,
        m.direction
    from commodity_mentions as m
    join articles as a using (article_id)
),

final as (
    select
        day,
        commodity,
        commodity_group,
        count(*) as mention_count,
        count(distinct article_id) as article_count,
        count(*) filter (where direction = 'up') as up_mentions,
        count(*) filter (where direction = 'down') as down_mentions,
        count(*) filter (where direction = 'flat') as flat_mentions
    from dated
    group by day, commodity, commodity_group
)

select * from final
order by day nulls last, mention_count desc, commodity
