-- Pairs of articles that may tell the same story: an article to link (`articles_to_link`: the batch's new
-- articles, or all of them when the story rules changed) and any article sharing a band of its MinHash
-- signature, or half of the smaller one's 5-gram sample (wiredesk/stories.py: a text inside a longer one).
-- Only those articles are looked up: adding one article is a lookup. The bodies come along: containment is
-- counted from them.
with new_bands as (
    select article_id, unnest(bands) as band
    from article_signatures
    where article_id in (select article_id from articles_to_link)
),

all_bands as (
    select article_id, unnest(bands) as band from article_signatures
),

band_pairs as (
    select least(n.article_id, o.article_id) as article_id_a, greatest(n.article_id, o.article_id) as article_id_b
    from new_bands as n
    join all_bands as o using (band)
    where n.article_id <> o.article_id
),

new_samples as (
    select article_id, len(sample) as sampled, unnest(sample) as gram
    from article_signatures
    where article_id in (select article_id from articles_to_link)
),

all_samples as (
    select article_id, len(sample) as sampled, unnest(sample) as gram from article_signatures
),

-- boilerplate 5-grams ("said in a statement that") lead everywhere: left out
boilerplate as (
    select gram from all_samples where gram in (select gram from new_samples)
    group by gram having count(*) > $sample_max_holders
),

sample_pairs as (
    select least(n.article_id, o.article_id) as article_id_a, greatest(n.article_id, o.article_id) as article_id_b
    from new_samples as n
    join all_samples as o using (gram)
    where n.article_id <> o.article_id
      and n.gram not in (select gram from boilerplate)
    group by all
    having count(*) >= 0.5 * least(any_value(n.sampled), any_value(o.sampled))
),

pairs as (
    select * from band_pairs
    union
    select * from sample_pairs
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
    aa.body as body_a,
    ab.body as body_b
from pairs as p
join article_signatures as sa on sa.article_id = p.article_id_a
join article_signatures as sb on sb.article_id = p.article_id_b
join articles as aa on aa.article_id = p.article_id_a
join articles as ab on ab.article_id = p.article_id_b
