-- Which stories are new each day, and how often was each retold?
-- One row per story: the day it first ran, its first headline, and how many articles told it (re-sends,
-- updates, corrections, the same story from another desk). Count stories, not articles, to count events.
create or replace view v_story_firsts as
select
    cast(c.first_published as date) as day,
    a.title as first_title,
    c.size as articles,
    c.cluster_id,
    c.first_published
from story_clusters as c
join articles as a on a.article_id = c.cluster_id
order by c.first_published desc nulls last, c.size desc, c.cluster_id;
