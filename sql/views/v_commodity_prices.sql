-- What prices were quoted for each commodity, by day?
-- One row per price figure that belongs to a commodity (the commodity its sentence names last before it):
-- value, currency, the unit it is quoted per, the article.
-- "Copper prices quoted, by day, in USD per tonne":
--   from v_commodity_prices where commodity = 'copper' and currency = 'USD' and unit = 'tonnes'
create or replace view v_commodity_prices as
select
    f.commodity,
    a.published_at::date as day,
    f.value,
    f.unit,
    f.currency,
    f.figure_text,
    a.title,
    f.article_id,
    f.field,
    f.start_char,
    f.end_char
from figures as f
join articles as a using (article_id)
where f.kind = 'price' and f.commodity is not null
order by f.commodity, day desc nulls last, f.article_id, f.start_char;
