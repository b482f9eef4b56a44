-- How good or bad is the news about each commodity each day?
-- One row per commodity and day: the articles naming it (and those about it: is_primary), the stories they
-- tell (a story re-sent, updated or corrected counts once: article_stories), and the mean tone (-1..1) of the
-- sentences naming it, over articles (`mean_tone`) and with each story counted once (`story_mean_tone`).
-- Tone is the sentences' polarity: "prices fell" is bad news; v_commodity_mentions_daily says which way prices
-- moved. `novel_articles`: articles of which most (novelty >= 0.5) no earlier article of their story said.
create or replace view v_commodity_tone_daily as
with dated as (
    select
        cast(a.published_at as date) as day,
        ac.commodity,
        ac.commodity_group,
        ac.article_id,
        ac.is_primary,
        coalesce(s.cluster_id, ac.article_id) as story_id,
        coalesce(s.novelty, 1) as novelty,
        ac.tone
    from article_commodities as ac
    join articles as a using (article_id)
    left join article_stories as s using (article_id)
),

per_story as (
    select day, commodity, story_id, avg(tone::decimal(9, 4)) as tone
    from dated
    group by day, commodity, story_id
),

by_story as (
    select day, commodity, round(avg(tone::decimal(9, 4)), 4)::double as story_mean_tone
    from per_story
    group by day, commodity
),

by_article as (
    select
        day,
        commodity,
        any_value(commodity_group) as commodity_group,
        count(distinct article_id) as articles,
        count(distinct article_id) filter (where is_primary) as primary_articles,
        count(distinct story_id) as stories,
        count(distinct article_id) filter (where novelty >= 0.5) as novel_articles,
        round(avg(tone::decimal(9, 4)), 4)::double as mean_tone
    from dated
    group by day, commodity
),

final as (
    select
        b.day,
        b.commodity,
        b.commodity_group,
        b.articles,
        b.primary_articles,
        b.stories,
        b.novel_articles,
        b.mean_tone,
        s.story_mean_tone
    from by_article as b
    -- undated articles (no published_at) group under a null day: matched with "is not distinct from"
    join by_story as s on s.day is not distinct from b.day and s.commodity = b.commodity
)

select * from final
order by day nulls last, articles desc, commodity;
