-- entities: one row per entity id, from all its mentions after corpus-wide resolution. Rebuilt for the entities
-- this publish touched (named by an article that arrived, left or was renamed; renamed themselves).
create or replace temp table rebuilt_entities as
select entity_id from touched_entities
union
select entity_id from entity_mentions where article_id in (select article_id from touched_articles);

create or replace temp table rebuilt_mentions as
select * from entity_mentions where entity_id in (select entity_id from rebuilt_entities);

delete from entities where entity_id in (select entity_id from rebuilt_entities);

insert into entities by name
with forms as (
    select entity_id, canonical_name, count(*) filter (where field = 'body') as body_uses, count(*) as uses
    from rebuilt_mentions
    group by entity_id, canonical_name
),

-- An entity's name is the spelling article bodies use most ("OPEC", "World Bank": not a headline's
-- "WORLD BANK"), then a mixed-case one before ALL CAPS, then alphabetical: the same whatever order the
-- articles came in.
names as (
    select
        entity_id,
        first(
            canonical_name
            order by body_uses desc,
                (canonical_name = upper(canonical_name) and canonical_name <> lower(canonical_name)),
                uses desc,
                canonical_name
        ) as canonical_name
    from forms
    group by entity_id
),

-- An entity's country is the one most of its mentions are linked to ("Paris" is in France, though one story
-- is datelined "PARIS, Texas"), ties alphabetical; its coordinates are those of that country's place.
countries as (
    select
        entity_id,
        country_code,
        count(*) as uses,
        max(latitude) as latitude,
        max(longitude) as longitude,
        max(geonames_id) as geonames_id
    from rebuilt_mentions
    where country_code is not null
    group by entity_id, country_code
),

-- A company's listing: resolve_entities.sql gave its mentions the listing's name (`listings`: listings.sql).
listed as (
    select n.entity_id, l.ticker, l.isin
    from names as n
    join (select distinct entity_id from rebuilt_mentions where entity_type = 'ORG') as o using (entity_id)
    join listings as l on l.name = n.canonical_name
),

home as (
    select
        entity_id,
        first(country_code order by uses desc, country_code) as country_code,
        first(latitude order by uses desc, country_code) as latitude,
        first(longitude order by uses desc, country_code) as longitude,
        first(geonames_id order by uses desc, country_code) as geonames_id
    from countries
    group by entity_id
)

select
    m.entity_id,
    min(n.canonical_name) as canonical_name,  -- one per entity
    min(m.entity_type) as entity_type,
    min(h.country_code) as country_code,
    min(h.latitude) as latitude,
    min(h.longitude) as longitude,
    min(h.geonames_id) as geonames_id,
    count(*) as mention_count,
    count(distinct m.article_id) as article_count,
    min(l.ticker) as ticker,
    min(l.isin) as isin
from rebuilt_mentions as m
join names as n using (entity_id)
left join home as h using (entity_id)
left join listed as l using (entity_id)
group by m.entity_id;
