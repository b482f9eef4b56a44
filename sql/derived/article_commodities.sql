-- article_commodities: each commodity an article names, how prominently, and whether it is what the
-- article is about (is_primary) rather than a passing mention: the trained classifier's score (topic_score,
-- wiredesk/topics.py) for the 25 commodities it was trained on, the rules below for the others. Mentions inside a
-- proper name ("Bethlehem Steel Corp") are counted but give no prominence. `tone` is the mean tone of the
-- sentences that name the commodity: their polarity ("prices fell" is bad news), beside the mentions' direction.
-- Rebuilt for the articles this publish touched.
create or replace temp table touched_commodity_mentions as
select * from commodity_mentions where article_id in (select article_id from touched_articles);

delete from article_commodities where article_id in (select article_id from touched_articles);

insert into article_commodities by name
with per_article as (
    select
        article_id,
        commodity,
        any_value(commodity_group) as commodity_group,
        count(*) as mention_count,
        count(*) filter (where not in_name) as free_count,
        coalesce(bool_or(field = 'title' and not in_name), false) as in_title,
        coalesce(bool_or(sentence_index between 1 and 2 and not in_name), false) as in_lead,
        min(sentence_index) as first_sentence_index,
        max(topic_score) as topic_score
    from touched_commodity_mentions
    group by article_id, commodity
),

named_tone as (
    select m.article_id, m.commodity, mean_tone(s.tone) as tone
    from (select distinct article_id, commodity, sentence_index from touched_commodity_mentions) as m
    join sentences as s using (article_id, sentence_index)
    where s.furniture is null  -- a photo caption or credits line says nothing of the story's tone
    group by m.article_id, m.commodity
),

totals as (
    select article_id, sum(mention_count) as article_mentions, greatest(max(free_count), 1) as top_count
    from per_article
    group by article_id
),

scored as (
    select
        p.*,
        p.free_count = t.top_count as is_most_named,
        -- a company headline (results, deals, a ticker): its commodity words are seldom the story
        regexp_matches(
            a.title,
            '(?i)<|\b(net|qtr|shr|dividend|div|earnings|profit|loss|acquires?|acquisition|merger|stake|buyout|'
            || 'tender offer|shares?)\b'
        ) as company_headline,
        p.mention_count / t.article_mentions as share,
        prominence(p.in_title, p.in_lead, p.free_count, t.top_count, p.first_sentence_index, a.sentence_count)
            as relevance,
        n.tone
    from per_article as p
    join totals as t using (article_id)
    join articles as a using (article_id)
    left join named_tone as n using (article_id, commodity)
),

about as (
    select
        *,
        -- named in the headline, or in the lead and again, or again and again, or in the lead as the
        -- article's most-named commodity when the story is not company news
        in_title
        or (in_lead and free_count >= 2)
        or free_count >= 3
        or (in_lead and is_most_named and not company_headline) as is_main
    from scored
),

final as (
    select
        * exclude (free_count, is_most_named, company_headline, is_main),
        -- the trained classifier decides for the commodities it knows (make eval gives its cross-validated
        -- figure); the rules for the rest. A grain market story covers every grain it names.
        coalesce(
            topic_score >= 0.5,
            is_main
            or (
                commodity_group = 'grains'
                and free_count >= 1
                and bool_or(is_main and commodity_group = 'grains') over (partition by article_id)
            )
        ) as is_primary
    from about
)

select * from final
