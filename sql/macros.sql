-- Expressions more than one statement needs, defined once. Created with the schema; usable in ad-hoc SQL too.

-- The id of an entity: 16 hex digits of the hash of its type and lower-cased canonical name, so that an
-- entity keeps its id from run to run. The extraction step computes ids with this macro too.
create or replace macro entity_key(entity_type, canonical_name) as
    left(sha256(entity_type || '|' || lower(canonical_name)), 16);

-- The text a mention's offsets index: the article's title or its body.
create or replace macro field_text(field, title, body) as
    case when field = 'title' then title else body end;

-- How prominent a thing is in an article, 0 to 1: named in the headline (0.35), in the lead (0.25), how often
-- against the article's most-named thing of its kind (0.25), and how early (0.15).
create or replace macro prominence(in_title, in_lead, times_named, most_times_named, first_sentence_index, sentence_count) as
    round(
        0.35 * in_title::int
        + 0.25 * in_lead::int
        + 0.25 * times_named / most_times_named
        + 0.15 * (1 - first_sentence_index / greatest(sentence_count, 1)),
        4
    );

-- An article's tone from its sentences' (an aggregate): each sentence weighted by how polar it is and by where
-- it stands, the headline (sentence 0) three times and the lead (sentence 1) twice, as a reader weighs them. A
-- sentence below the classifier's threshold (0.3) still weighs 0.3: the story's neutral sentences dilute a lone
-- polar line (one table line or aside does not set the story's tone) without watering its news down to
-- nothing. 0 when no sentence leans either way. Sentence tones carry four decimals: summed as decimals, the
-- result does not depend on the order DuckDB's threads add them up in (doubles differed in the last digit).
create or replace macro article_tone(tone, sentence_index) as
    round(
        coalesce(
            sum(
                tone::decimal(9, 4) * abs(tone::decimal(9, 4))
                * (case sentence_index when 0 then 3 when 1 then 2 else 1 end)
            )
            / nullif(
                sum(
                    greatest(abs(tone::decimal(9, 4)), 0.3)
                    * (case sentence_index when 0 then 3 when 1 then 2 else 1 end)
                ),
                0
            ),
            0
        ),
        4
    )::double;

-- The mean of tones as an exact decimal (see article_tone), rounded to four decimals.
create or replace macro mean_tone(tone) as
    round(avg(tone::decimal(9, 4)), 4)::double;

-- A company name's text as it is matched (wiredesk/listings.py): no accents, case, dots or punctuation (a hyphen
-- stays within a word: "Orange-Co" is not "Orange Co").
create or replace macro company_text(name) as
    trim(regexp_replace(replace(lower(strip_accents(name)), '.', ''), '[^a-z0-9&-]+', ' ', 'g'));

-- Its words: the text without a leading "the".
create or replace macro company_words(name) as
    regexp_replace(company_text(name), '^the ', '');

-- The key a company name is matched on: its words without a legal or group suffix ("Pfizer Inc." and "PFIZER"
-- are "pfizer"; "Royal Dutch Shell plc" is "royal dutch shell").
create or replace macro company_key(name) as
    trim(regexp_replace(
        company_words(name),
        '( +(inc|incorporated|corp|corporation|co|cos|company|companies|ltd|limited|plc|llc|lp|ag|se|sa|nv|'
        || 'spa|ab|asa|oyj|as|kgaa|group|holding|holdings))+ *$',
        ''
    ));

-- The whole name, its legal suffix spelt out ("Universal Corp" and "Universal Corporation" are both "universal
-- corporation"; "The Hartford" keeps its "the"), for a match that needs the whole name.
create or replace macro company_full(name) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        company_text(name),
        ' corp$', ' corporation'), ' cos$', ' companies'), ' co$', ' company'), ' inc$', ' incorporated'),
        ' ltd$', ' limited');
