-- article_entities: how prominent each entity is in each article (title, lead, frequency, position), and the
-- tone of the sentences that name it. Rebuilt for the articles this publish touched: arrived, left, or with a
-- mention renamed by the corpus-wide resolution. Only the story's own mentions count (role 'news'): a name in a
-- photo caption or a credit is no subject of the story.
create or replace temp table touched_mentions as
select * from entity_mentions
where article_id in (select article_id from touched_articles) and role = 'news';

delete from article_entities where article_id in (select article_id from touched_articles);

insert into article_entities by name
with per_article as (
    select
        article_id,
        entity_id,
        count(*) as mention_count,
        bool_or(field = 'title') as in_title,
        bool_or(sentence_index between 1 and 2) as in_lead,
        min(sentence_index) as first_sentence_index
    from touched_mentions
    group by article_id, entity_id
),

named_tone as (
    select m.article_id, m.entity_id, mean_tone(s.tone) as tone
    from (select distinct article_id, entity_id, sentence_index from touched_mentions) as m
    join sentences as s using (article_id, sentence_index)
    where s.furniture is null
    group by m.article_id, m.entity_id
),

totals as (
    select article_id, sum(mention_count) as article_mentions, max(mention_count) as top_count
    from per_article
    group by article_id
),

final as (
    select
        p.*,
        prominence(p.in_title, p.in_lead, p.mention_count, t.top_count, p.first_sentence_index, a.sentence_count)
            as relevance,
        n.tone
    from per_article as p
    join totals as t using (article_id)
    join articles as a using (article_id)
    left join named_tone as n using (article_id, entity_id)
)

select * from final
