-- Which companies' results moved most each day?
-- One row per result line with a prior to compare (net, share earnings, revenue, operating and pretax profit),
-- ranked within its day by the size of the move: rank 1 is the day's biggest. A loss that narrows is a move up.
-- Filter on `day_rank <= 10` for each day's ten biggest; join to prices on `ticker`.
create or replace view v_results_surprises as
select
    cast(a.published_at as date) as day,
    row_number() over (
        partition by cast(a.published_at as date) order by abs(r.change) desc, r.article_id, r.start_char
    ) as day_rank,
    e.canonical_name as company,
    e.ticker,
    r.measure,
    r.period,
    r.value,
    r.prior_value,
    r.currency,
    r.direction,
    r.change,
    a.title,
    r.result_text,
    r.article_id,
    r.company_entity_id
from results as r
join articles as a using (article_id)
left join entities as e on e.entity_id = r.company_entity_id
where r.change is not null
  and r.measure in ('net', 'shr', 'revs', 'oper net', 'oper shr', 'pretax', 'diluted shr', 'primary shr')
order by day nulls last, day_rank;
