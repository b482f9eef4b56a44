-- Which countries are named in the same sentence as each commodity, with what trade action and direction?
create or replace view v_commodity_countries as
with sentence_countries as (
    select
        commodity,
        commodity_group,
        unnest(countries) as country_code,
        article_id,
        trade_action,
        direction
    from commodity_mentions
),

final as (
    select
        commodity,
        commodity_group,
        country_code,
        trade_action,
        direction,
        count(*) as mention_count,
        count(distinct article_id) as article_count
    from sentence_countries
    group by all
)

select * from final
order by mention_count desc, commodity, country_code
