-- Articles gone from the folder, and articles staged again (a rerun of a half-finished batch), leave with
-- everything extracted from them: an article is replaced, never duplicated.
create or replace temp table leaving_articles as
select article_id from articles where article_id not in (select article_id from staging.folder_articles)
union all
select article_id from staging.articles;

delete from entity_mentions where article_id in (select article_id from leaving_articles);
delete from commodity_mentions where article_id in (select article_id from leaving_articles);
delete from quotations where article_id in (select article_id from leaving_articles);
delete from figures where article_id in (select article_id from leaving_articles);
delete from tone_terms where article_id in (select article_id from leaving_articles);
delete from article_signatures where article_id in (select article_id from leaving_articles);
delete from story_links
where article_id in (select article_id from leaving_articles)
   or other_article_id in (select article_id from leaving_articles);
delete from sentences where article_id in (select article_id from leaving_articles);
delete from articles where article_id in (select article_id from leaving_articles);
