-- Who and what is most in the news, ranked by the number of articles that name them?
create or replace view v_top_entities as
with ranked as (
    select
        canonical_name,
        entity_type,
        country_code,
        article_count,
        mention_count,
        rank() over (order by article_count desc, mention_count desc) as overall_rank,
        rank() over (partition by entity_type order by article_count desc, mention_count desc) as rank_in_type,
        entity_id
    from entities
)

select * from ranked
order by overall_rank, canonical_name
