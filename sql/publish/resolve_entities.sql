-- Corpus-wide entity resolution, run at every publish. Each mention keeps the name and type its own article gave
-- it (article_name, article_type); what it resolves to depends on that pair alone, given the warehouse's names, so
-- the rules below run over the distinct pairs (a few hundred thousand at a million articles), and only the
-- mentions whose pair now resolves differently are updated. From those pairs:
--   1. a bare surname or given name ("Trump", "Xi") with no full name in its own article takes the one full
--      person name in the whole warehouse that has it as its first or last word, if exactly one does; only a
--      name its article calls a person: an organisation is never a surname ("Reuters" is no "Reuters Sanchez");
--   2. a name that `organisation_names` (wiredesk/data/organisation_names.csv) lists as an alias takes the
--      name listed for it, whatever its case: "Fed" and "Federal Reserve Board" are the Federal Reserve, "USDA"
--      the U.S. Department of Agriculture, in every article. The listed names are organisations, so the
--      mention's type becomes ORG (the model calls "ICCO" a place, "IMF" a nationality); never a person's name;
--   3. an organisation's acronym ("EC") takes the name whose initials it is that articles write beside it
--      ("European Community");
--   4. a name that is a listed company's (`listings`: listings.sql) is that company,
--      an ORG under the listing's name, whatever its article typed it and however it spelt the legal form
--      ("Pfizer Inc" and a "Pfizer" the model took for a person are one company, Pfizer), except a natural
--      feature its article names (a LOC: "the Amazon region" is no company);
--   5. the entity id is `entity_key(type, name)` (sql/macros.sql);
--   6. a quotation's speaker is the entity of the body mention its article named the speaker by.
-- This is the one place entity identity is decided: extraction only says how each article names a mention.
-- A name keeps the type its article gave it (one type per name within an article): "Chicago" the team in a
-- results table and Chicago the city are two entities. A corpus-wide vote on one type per name cost 0.008 F1 on
-- CoNLL-2003 validation with the trained model, which tells the two apart from their context.
create or replace temp table name_forms as
select distinct article_type, article_name from entity_mentions;


create or replace temp table resolved_forms as
with full_names as (
    select distinct article_name as full_name
    from name_forms
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

-- Organisations' acronyms: the initials of a name's capitalised words ("European Community" → EC, "Securities
-- and Exchange Commission" → SEC).
expansions as (
    select distinct
        article_id,
        article_name as expansion,
        array_to_string(
            list_transform(
                list_filter(string_split(article_name, ' '), lambda w: regexp_matches(w, '^[A-Z]')),
                lambda w: left(w, 1)
            ),
            ''
        ) as acronym
    from entity_mentions
    where article_type = 'ORG' and article_name like '% %'
),

-- An acronym joins the expansion that articles write beside it, when at least three in four of the articles
-- that write it beside a name with those initials write that one: "EC" is the European Community across the
-- warehouse, though a few stories write it beside the European Commission.
acronym_votes as (
    select e.acronym, e.expansion, count(distinct e.article_id) as articles
    from expansions as e
    join entity_mentions as m on m.article_id = e.article_id and m.article_name = e.acronym
    where m.article_type = 'ORG' and length(e.acronym) between 2 and 6
    group by e.acronym, e.expansion
),

acronyms as (
    select acronym, arg_max(expansion, articles * 1000 - length(expansion)) as expansion
    from acronym_votes
    group by acronym
    having max(articles) >= 0.75 * sum(articles)
),

known_names as (
    select lower(alias) as alias, name from organisation_names
),

renamed as (
    select
        f.article_type,
        f.article_name,
        case
            when l.key is not null
                then l.name
            when f.article_type = 'PERSON' and f.article_name not like '% %' and p.full_name is not null
                then p.full_name
            when f.article_type <> 'PERSON' and k.name is not null
                then k.name
            when f.article_type = 'ORG' and a.expansion is not null
                then a.expansion
            else f.article_name
        end as canonical_name,
        case
            when l.key is not null or (f.article_type <> 'PERSON' and k.name is not null) then 'ORG'
            else f.article_type
        end as entity_type
    from name_forms as f
    left join unique_parts as p on p.part = f.article_name
    left join known_names as k on k.alias = lower(f.article_name)
    left join acronyms as a on a.acronym = f.article_name
    left join listings as l
        on l.key = company_key(f.article_name)
        and listing_allows(f.article_name, l.distinctive, l.one_word_name, l.full_name)
        and f.article_type <> 'LOC'
)

select *, entity_key(entity_type, canonical_name) as entity_id
from renamed;

-- The pairs whose mentions now resolve otherwise (new mentions arrive resolved as their article named them), with
-- the entity they leave.
create or replace temp table changed_forms as
select r.*, m.old_entity_id
from resolved_forms as r
join (
    select distinct article_type, article_name, canonical_name as old_name, entity_type as old_type,
        entity_id as old_entity_id
    from entity_mentions
) as m using (article_type, article_name)
where m.old_entity_id <> r.entity_id or m.old_name <> r.canonical_name or m.old_type <> r.entity_type;

insert into touched_entities
select old_entity_id from changed_forms
union
select entity_id from changed_forms;

insert into touched_articles
select distinct m.article_id
from entity_mentions as m
semi join changed_forms as c using (article_type, article_name);

update entity_mentions as m
set
    canonical_name = r.canonical_name,
    entity_type = r.entity_type,
    entity_id = r.entity_id
from (select distinct article_type, article_name, canonical_name, entity_type, entity_id from changed_forms) as r
where m.article_type = r.article_type
  and m.article_name = r.article_name;

-- A quotation's speaker is the entity of the body mention its article named the speaker by.
update quotations as q
set speaker_entity_id = m.entity_id
from entity_mentions as m
where q.article_id in (select article_id from touched_articles)
  and m.article_id = q.article_id
  and m.field = 'body'
  and m.start_char = q.speaker_mention_start
  and q.speaker_entity_id is distinct from m.entity_id;

-- A result's company is the first organisation its article's headline names (a wire earnings headline opens
-- with the company: "BROWN-FORMAN INC <BFD> 4TH QTR NET"), else the first in its lead; a caption or byline
-- does not count.
update results as r
set company_entity_id = c.entity_id
from (
    select article_id, arg_min(entity_id, (field <> 'title', sentence_index, start_char)) as entity_id
    from entity_mentions
    where article_id in (select article_id from touched_articles)
      and entity_type = 'ORG'
      and role = 'news'
      and (field = 'title' or sentence_index <= 1)
    group by article_id
) as c
where r.article_id = c.article_id
  and r.company_entity_id is distinct from c.entity_id;

-- An event's actor is the entity of the mention its sentence names it by; the event is dated by its article.
update commodity_events as v
set actor_entity_id = m.entity_id, published_at = a.published_at
from entity_mentions as m, articles as a
where v.article_id in (select article_id from touched_articles)
  and m.article_id = v.article_id
  and m.field = v.field
  and m.start_char = v.actor_mention_start
  and a.article_id = v.article_id
  and (v.actor_entity_id is distinct from m.entity_id or v.published_at is distinct from a.published_at);

update commodity_events as v
set published_at = a.published_at
from articles as a
where v.article_id in (select article_id from touched_articles)
  and a.article_id = v.article_id
  and v.actor_mention_start is null
  and v.published_at is distinct from a.published_at;
