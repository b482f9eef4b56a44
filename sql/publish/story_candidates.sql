-- Pairs of articles that may tell the same story: an article to link (`articles_to_link`: the batch's new
-- articles, or all of them when the story rules changed) and any article sharing a band of its MinHash
-- signature (wiredesk/stories.py). Only those articles are looked up: adding one article is a lookup.
-- The bodies come only for pairs published $report_gap_seconds or more apart, where a changed figure may make
-- them two issues of a recurring report.
with new_bands as (
    select article_id, unnest(bands) as band
    from article_signatures
    where article_id in (select article_id from articles_to_link)
),

all_bands as (
    select article_id, unnest(bands) as band from article_signatures
),

pairs as (
    select distinct least(n.article_id, o.article_id) as article_id_a, greatest(n.article_id, o.article_id) as article_id_b
    from new_bands as n
    join all_bands as o using (band)
    where n.article_id <> o.article_id
)

select
    p.article_id_a,
    p.article_id_b,
    sa.shingle_count as shingle_count_a,
    sb.shingle_count as shingle_count_b,
    sa.signature as signature_a,
    sb.signature as signature_b,
    sa.numbers as numbers_a,
    sb.numbers as numbers_b,
    aa.published_at as published_at_a,
    ab.published_at as published_at_b,
    aa.title as title_a,
    ab.title as title_b,
    case when abs(epoch(aa.published_at) - epoch(ab.published_at)) >= $report_gap_seconds then aa.body end as body_a,
    case when abs(epoch(aa.published_at) - epoch(ab.published_at)) >= $report_gap_seconds then ab.body end as body_b
from pairs as p
join article_signatures as sa on sa.article_id = p.article_id_a
join article_signatures as sb on sb.article_id = p.article_id_b
join articles as aa on aa.article_id = p.article_id_a
join articles as ab on ab.article_id = p.article_id_b
