-- The listed companies a name can be matched to (wiredesk/listings.py registers `listed_companies`, from the
-- pytickersymbols package, and `everyday_words`): keyed by `company_key` (sql/macros.sql: case, punctuation and
-- legal suffixes aside), one listing per key, and never a one-word key that is an everyday word ("Next plc" is
-- "next": a guess on a common word is no match).
create or replace temp table listings as
select company_key(name) as key, min(name) as name, min(ticker) as ticker, min(isin) as isin
from listed_companies
group by key
having count(*) = 1
   and (key like '% %' or key not in (select word from everyday_words));
