-- commodities: the catalogue (registered by the caller as `catalogue`) with its mention and article counts.
delete from commodities;

insert into commodities by name
select
    c.*,
    coalesce(m.mention_count, 0) as mention_count,
    coalesce(m.article_count, 0) as article_count
from catalogue as c
left join (
    select commodity, count(*) as mention_count, count(distinct article_id) as article_count
    from commodity_mentions
    group by commodity
) as m using (commodity);
