-- The listed companies a name can be matched to (wiredesk/listings.py registers `listed_companies`, from the
-- pytickersymbols package, and `everyday_words`): keyed by `company_key` (sql/macros.sql: case, punctuation and
-- legal suffixes aside), one listing per key, and never a one-word key that is an everyday word ("Next plc" is
-- "next": a guess on a common word is no match).
-- A name matches a listing on its key alone when the key is distinctive: more than one word, not all of them
-- everyday words ("Ford Motor", "Union Pacific"), or the listing's whole one-word name ("Pfizer", "Airbus").
-- Otherwise the name must be the listing's whole name ("Universal Corp" for Universal Corporation): alone,
-- "Universal", "Hartford", "Continental" or "National Bank" is as often an adjective, a place, a person or
-- another company.
create or replace temp table listings as
with keyed as (
    select company_key(name) as key, name, ticker, isin from listed_companies
),

everyday as (
    select key, bool_and(word in (select word from everyday_words)) as everyday
    from (select distinct key, unnest(string_split(key, ' ')) as word from keyed)
    group by key
)

select
    k.key,
    min(k.name) as name,
    min(k.ticker) as ticker,
    min(k.isin) as isin,
    bool_and(not regexp_matches(trim(k.name), '\s')) as one_word_name,
    min(company_full(k.name)) as full_name,
    bool_and(k.key like '% %' and not e.everyday) as distinctive
from keyed as k
join everyday as e using (key)
group by k.key
having count(*) = 1 and not (k.key not like '% %' and bool_and(e.everyday));

-- Whether a name whose company_key is a listing's `key` may take that listing, by the rules above (joined on
-- `key = company_key(name)` first, so that the match stays a hash join).
create or replace temp macro listing_allows(name, distinctive, one_word_name, full_name) as
    distinctive or one_word_name or company_full(name) = full_name;
