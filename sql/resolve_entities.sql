-- Corpus-wide entity resolution, run at every publish over all entity mentions.
-- Each mention keeps the name and type its own article gave it (article_name, article_type); from those:
--   1. a bare surname or given name ("Trump", "Xi") with no full name in its own article takes the one full
--      person name in the whole warehouse that has it as its first or last word, if exactly one does;
--   2. each name gets one type, the one most of its mentions carry (places linked to a country stay GPE);
--   3. the entity id is a hash of type and name, the same hash the extraction step uses.
create or replace temp table resolved_names as
with full_names as (
    select distinct article_name as full_name
    from entity_mentions
    where article_type = 'PERSON' and article_name like '% %'
),

name_parts as (
    select split_part(full_name, ' ', 1) as part, full_name from full_names
    union
    select split_part(full_name, ' ', -1) as part, full_name from full_names
),

unique_parts as (
    select part, any_value(full_name) as full_name
    from name_parts
    group by part
    having count(distinct full_name) = 1
),

renamed as (
    select
        m.rowid as mention_row,
        case
            when m.article_type in ('PERSON', 'ORG') and m.article_name not like '% %' and p.full_name is not null
                then p.full_name
            else m.article_name
        end as canonical_name,
        case
            when m.article_type in ('PERSON', 'ORG') and m.article_name not like '% %' and p.full_name is not null
                then 'PERSON'
            else m.article_type
        end as vote_type,
        m.country_code
    from entity_mentions as m
    left join unique_parts as p on p.part = m.article_name
),

type_votes as (
    select
        canonical_name,
        vote_type,
        count(*) as votes,
        bool_or(country_code is not null) as linked
    from renamed
    group by canonical_name, vote_type
),

name_types as (
    select
        canonical_name,
        arg_max(vote_type, votes * 100 - list_position(
            ['PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'FAC', 'EVENT', 'PRODUCT', 'LAW', 'WORK_OF_ART', 'LANGUAGE'],
            vote_type
        )) as entity_type
    from type_votes
    group by canonical_name
)

select
    r.mention_row,
    r.canonical_name,
    case when r.country_code is not null and r.vote_type = 'GPE' then 'GPE' else t.entity_type end as entity_type
from renamed as r
join name_types as t using (canonical_name);

update entity_mentions as m
set
    canonical_name = r.canonical_name,
    entity_type = r.entity_type,
    entity_id = left(sha256(r.entity_type || '|' || lower(r.canonical_name)), 16)
from resolved_names as r
where m.rowid = r.mention_row
  and (m.canonical_name <> r.canonical_name or m.entity_type <> r.entity_type
       or m.entity_id <> left(sha256(r.entity_type || '|' || lower(r.canonical_name)), 16));
