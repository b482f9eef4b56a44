-- How good or bad is the news about each entity each day?
-- One row per entity and day: the articles naming it, the stories they tell (a story re-sent, updated or
-- corrected counts once: article_stories), and the mean tone (-1..1) of the sentences naming it, over articles
-- (`mean_tone`) and with each story counted once (`story_mean_tone`: the mean of its articles', then of the
-- stories'). `novel_articles`: articles of which most (novelty >= 0.5) no earlier article of their story said.
create or replace view v_entity_tone_daily as
with dated as (
    select
        cast(a.published_at as date) as day,
        ae.entity_id,
        ae.article_id,
        coalesce(s.cluster_id, ae.article_id) as story_id,
        coalesce(s.novelty, 1) as novelty,
        ae.tone
    from article_entities as ae
    join articles as a using (article_id)
    left join article_stories as s using (article_id)
),

per_story as (
    select day, entity_id, story_id, avg(tone::decimal(9, 4)) as tone
    from dated
    group by day, entity_id, story_id
),

by_story as (
    select day, entity_id, round(avg(tone::decimal(9, 4)), 4)::double as story_mean_tone
    from per_story
    group by day, entity_id
),

by_article as (
    select
        day,
        entity_id,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(distinct article_id) filter (where novelty >= 0.5) as novel_articles,
        round(avg(tone::decimal(9, 4)), 4)::double as mean_tone
    from dated
    group by day, entity_id
),

final as (
    select
        b.day,
        b.entity_id,
        e.canonical_name,
        e.entity_type,
        b.articles,
        b.stories,
        b.novel_articles,
        b.mean_tone,
        s.story_mean_tone
    from by_article as b
    -- undated articles (no published_at) group under a null day: matched with "is not distinct from"
    join by_story as s on s.day is not distinct from b.day and s.entity_id = b.entity_id
    join entities as e on e.entity_id = b.entity_id
)

select * from final
order by day nulls last, articles desc, canonical_name;
