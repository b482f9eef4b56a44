-- What is the news about each listed company each day?
-- One row per company with a ticker or ISIN (entities.ticker, entities.isin) and day: the articles naming it in
-- their own text (a caption or credit does not count), the mentions there, and the mean tone (-1..1) of the
-- sentences naming it. Join to prices on `ticker` or `isin` and `day`.
create or replace view v_company_news as
select
    cast(a.published_at as date) as day,
    e.entity_id,
    e.canonical_name as company,
    e.ticker,
    e.isin,
    count(distinct ae.article_id) as articles,
    sum(ae.mention_count) as mentions,
    round(avg(ae.tone::decimal(9, 4)), 4)::double as mean_tone
from article_entities as ae
join entities as e using (entity_id)
join articles as a using (article_id)
where e.ticker is not null or e.isin is not null
group by all
order by day nulls last, articles desc, company;
