-- The batch's new articles, with their sentence count and tone, sentences, mentions, quotations and figures.
insert into articles by name
select a.*, s.sentence_count, s.tone
from staging.articles as a
left join (
    select article_id, count(*)::integer as sentence_count, article_tone(tone, sentence_index) as tone
    from staging.sentences
    group by article_id
) as s using (article_id);

insert into sentences by name
select * from staging.sentences where article_id in (select article_id from staging.articles);

insert into entity_mentions by name
select * from staging.entity_mentions where article_id in (select article_id from staging.articles);

insert into commodity_mentions by name
select * from staging.commodity_mentions where article_id in (select article_id from staging.articles);

insert into quotations by name
select * from staging.quotations where article_id in (select article_id from staging.articles);

insert into figures by name
select * from staging.figures where article_id in (select article_id from staging.articles);

insert into tone_terms by name
select * from staging.tone_terms where article_id in (select article_id from staging.articles);

insert into article_signatures by name
select * from staging.article_signatures where article_id in (select article_id from staging.articles);
