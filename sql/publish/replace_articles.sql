-- Articles gone from the folder, and articles staged again (a rerun of a half-finished batch), leave with
-- everything extracted from them: an article is replaced, never duplicated.
create or replace temp table leaving_articles as
select article_id from articles where article_id not in (select article_id from staging.folder_articles)
union all
select article_id from staging.articles;

-- What this publish touches: the articles that leave or arrive, and the entities they name. The steps after this
-- one recompute derived rows for these alone (resolve_entities.sql adds what its renaming moves), so a publish
-- costs what the batch changes, not what the warehouse holds.
create or replace temp table touched_articles as
select article_id from leaving_articles;

create or replace temp table touched_entities as
select distinct entity_id from entity_mentions where article_id in (select article_id from leaving_articles);

-- Run once for each per-article table of the registry (wiredesk/tables.py), `articles` last.
delete from {per_article_table} where article_id in (select article_id from leaving_articles);

delete from story_links
where article_id in (select article_id from leaving_articles)
   or other_article_id in (select article_id from leaving_articles);
