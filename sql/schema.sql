-- The analyst-facing warehouse. Column names are a contract: add columns, never rename.
-- Offsets are 0-based, end-exclusive character offsets into the stored `title` or `body`, so
-- substring(<field>, start_char + 1, end_char - start_char) = mention_text.

create table if not exists articles (
    article_id varchar not null,        -- first 16 hex digits of content_hash: stable while the text is
    source_path varchar not null,       -- path under the articles folder; JSONL records as file.jsonl:LINE
    external_id varchar,                -- the JSONL record's own id, if it had one
    title varchar not null,
    body varchar not null,              -- paragraphs separated by one blank line
    published_at timestamptz,           -- null when the source does not say
    source varchar,
    url varchar,
    word_count integer not null,
    paragraph_count integer not null,
    sentence_count integer,
    content_hash varchar not null,      -- sha256 of title, blank line, body (after normalisation)
    repairs varchar[],                  -- what was repaired on the way in (encoding, mojibake, line ends...)
    size_bytes bigint,
    ingested_at timestamptz not null,   -- when this content first entered the warehouse
    tone double                         -- -1 (bad news) .. 1 (good news): its sentences' tones, the headline
                                        -- counted twice, each weighted by how polar it is (wiredesk/tone.py)
);

create table if not exists sentences (
    article_id varchar not null,
    sentence_index integer not null,    -- 0 is the title, then the body's sentences in order
    field varchar not null,             -- title or body
    start_char integer not null,
    end_char integer not null,
    sentence_text varchar not null,
    tone double,                        -- -1..1: P(good news) - P(bad news) from the tone classifier
    furniture varchar                   -- null for the story's text; photo_caption, credits, photo_credit or label
                                        --   for wire-page furniture, left out of article and entity tone
);

-- The words that carried each sentence's tone: the lexicon's cues ("prices rose", "strike") and the words the
-- classifier weighs most, each with its push towards good (weight > 0) or bad news.
create table if not exists tone_terms (
    article_id varchar not null,
    field varchar not null,
    sentence_index integer not null,
    start_char integer not null,        -- term is the slice of the field, like every other offset here
    end_char integer not null,
    term varchar not null,
    weight double not null,
    source varchar not null             -- lexicon, learned, or comparison (a results line or a move in prose,
                                        --   "down from", "narrowed", "beat forecasts": its weight, +1 or -1, sets
                                        --   the sentence's sign)
);

create table if not exists entity_mentions (
    article_id varchar not null,
    entity_id varchar not null,
    mention_text varchar not null,
    entity_type varchar not null,       -- PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT, LAW, WORK_OF_ART, LANGUAGE
    field varchar not null,
    start_char integer not null,
    end_char integer not null,
    sentence_index integer not null,
    canonical_name varchar not null,
    ner_label varchar not null,         -- the model's own label for this mention, before resolution
    article_name varchar not null,      -- the name and type resolved within the article alone (extraction); the
    article_type varchar not null,      --   corpus-wide resolution at each publish starts from these
    country_code varchar,               -- ISO 3166-1 alpha-2, for places and nationalities
    latitude double,
    longitude double,
    geonames_id bigint,                 -- GeoNames' id of the place (a country, US state or city) it links to
    role varchar not null               -- news; byline (in a credit: reporter, editor, photographer); caption
);

create table if not exists entities (
    entity_id varchar not null,
    canonical_name varchar not null,
    entity_type varchar not null,
    country_code varchar,
    latitude double,
    longitude double,
    mention_count integer not null,
    article_count integer not null,
    geonames_id bigint,                 -- GeoNames' id of a place: a country, a US state or a city
    ticker varchar,                     -- a listed company's primary ticker (Yahoo symbol: "PFE", "AD.AS")
    isin varchar                        -- its ISIN; both from pytickersymbols' index constituents (wiredesk/listings.py)
);

create table if not exists entity_aliases (
    entity_id varchar not null,
    alias varchar not null,             -- a surface form met in the text
    mention_count integer not null
);

create table if not exists commodities (
    commodity varchar not null,
    commodity_group varchar not null,
    hs_code varchar,                    -- Harmonized System chapter or heading
    synonyms varchar[] not null,
    context_synonyms varchar[] not null,
    catalogue_version varchar not null,
    mention_count integer not null,
    article_count integer not null
);

create table if not exists commodity_mentions (
    article_id varchar not null,
    commodity varchar not null,
    commodity_group varchar not null,
    mention_text varchar not null,
    field varchar not null,
    start_char integer not null,
    end_char integer not null,
    sentence_index integer not null,
    sentence_text varchar not null,
    in_name boolean not null,           -- part of a longer proper name ("Bethlehem Steel Corp")
    direction varchar,                  -- up, down or flat, as the sentence says near the mention
    trade_action varchar,               -- export control, tariff, purchase, ban, quota, sanction, ...
    countries varchar[] not null,       -- ISO codes of the places and nationalities named in the sentence
    price_or_quantity varchar,          -- the nearest price or quantity in the sentence ("$1,116.10/oz")
    topic_score double                  -- the article's classifier score for this commodity, the same on each of
                                        -- its mentions (>= 0.5: the article is about it); null where untrained
);

create table if not exists quotations (
    article_id varchar not null,
    field varchar not null,             -- body
    start_char integer not null,        -- the quoted words, without the quote marks: quote_text is the slice
    end_char integer not null,
    quote_text varchar not null,
    sentence_index integer not null,    -- the sentence the quotation starts in
    is_partial boolean not null,        -- a fragment inside the reporter's sentence ("effectively off the table")
    cue varchar,                        -- said, told, confirmed, according to, describing as, ...
    speaker_text varchar,               -- who the text says spoke: a name, "he", "the ministry"
    speaker_start_char integer,         -- offsets of speaker_text in the body
    speaker_end_char integer,
    speaker_entity_id varchar,          -- the entity the speaker is; null when no one can be named
    speaker_mention_start integer       -- where in the body the speaker is named: the name itself, or the one a
                                        -- "he" or "the minister" stands for; its mention's entity is the speaker's
);

alter table quotations drop column if exists speaker_article_entity_id;
alter table quotations add column if not exists speaker_mention_start integer;

create table if not exists figures (
    article_id varchar not null,
    field varchar not null,
    start_char integer not null,        -- figure_text is the slice: "$9,800 a tonne", "5.93 mln dlrs", "two percent"
    end_char integer not null,
    figure_text varchar not null,
    sentence_index integer not null,
    value double not null,              -- with its scale applied: "1.5 billion" is 1500000000, "28-3/4 cts" 0.2875
    unit varchar,                       -- percent, percentage points, tonnes, barrels, barrels per day, bushels,
                                        -- bags, ounces, lb, ...; for a price, the unit it is quoted per
    currency varchar,                   -- ISO 4217 code of money and prices
    kind varchar not null,              -- price, money, volume, change (a percentage that moved), rate
    measure varchar,                    -- the noun it qualifies when one follows: tariff, stake, dividend, ...
    commodity varchar                   -- the commodity named last before it in its sentence (else first after)
);

-- Each company result the wire reports in an earnings table ("Shr 1.47 dlrs vs 1.21 dlrs", "Net loss 2,872,000 vs
-- loss 5,200,000"), read by wiredesk/results.py; its company is decided at publish (resolve_entities.sql).
create table if not exists results (
    article_id varchar not null,
    field varchar not null,
    sentence_index integer not null,
    start_char integer not null,        -- result_text is the slice of the field: the whole line, "Shr 34 cts vs 1.19 dlrs"
    end_char integer not null,
    result_text varchar not null,
    measure varchar not null,           -- shr, oper shr, diluted shr, net, oper net, pretax, revs, gross, dividend,
                                        --   backlog, orders, assets, deposits, loans, avg shrs
    period varchar,                     -- qtr, 4th qtr, 6 mths, 9 mths, year, ... as the table or headline names it
    value double not null,              -- this period's value; a loss is below zero
    prior_value double not null,        -- the same measure a year earlier, as the line gives it
    currency varchar,                   -- ISO 4217 when the line says (dlrs, cts); null for a bare amount
    direction varchar not null,         -- up, down or unchanged: a narrower loss and a swing to profit are up
    change double,                      -- (value - prior_value) / |prior_value|; null when the prior is zero
    company_entity_id varchar           -- the company reporting: the first organisation its headline names, else its
                                        --   lead; null when the article names none
);

-- Each event a sentence reports about a commodity it names, read by wiredesk/events.py from the words of
-- wiredesk/data/commodity_events.csv. A commodity word inside a company's name raises none.
create table if not exists commodity_events (
    article_id varchar not null,
    field varchar not null,
    sentence_index integer not null,
    commodity varchar not null,
    event_type varchar not null,        -- supply disruption, policy, market, demand
    event varchar not null,             -- strike, outage, weather, disease; export ban, import ban, export
                                        --   control, tariff, quota, sanction, stockpile release; OPEC decision, record price, inventory
                                        --   report; tender, purchase
    country_code varchar,               -- ISO 3166 alpha-2 of the first country the sentence names
    actor_mention_start integer,        -- where the actor's mention starts in the same field
    actor_entity_id varchar,            -- the organisation or place named nearest before the event's words
    direction varchar,                  -- which way the commodity's price or quantity moved: up, down, flat
    sentence varchar not null,
    published_at timestamptz            -- the article's
);

create table if not exists article_signatures (
    article_id varchar not null,
    shingle_count integer not null,     -- distinct word 5-grams of the body
    signature bigint[] not null,        -- MinHash signature of those 5-grams (wiredesk/stories.py)
    bands bigint[] not null,            -- one key per band of the signature: articles sharing a key are candidates
    numbers bigint[] not null,          -- the body's distinct numbers, hashed
    sample bigint[]                     -- a consistent sample of the 5-grams' hashes: a text inside another has
                                        --   its sample inside the other's (candidates of any two sizes)
);

alter table article_signatures add column if not exists sample bigint[];

create table if not exists story_links (
    article_id varchar not null,        -- two articles that tell the same story (article_id < other_article_id)
    other_article_id varchar not null,
    similarity double not null          -- estimated Jaccard similarity of their word 5-grams
);

-- Which version of the story rules (wiredesk/stories.py STORY_RULES) made the links: a publish under newer
-- rules links every article again.
-- The fingerprint of the code, data files and models the articles were extracted under (one row).
create table if not exists extraction_rules (
    fingerprint varchar not null,
    recorded_at timestamp with time zone not null
);

create table if not exists story_rules (
    version integer not null
);

create table if not exists article_stories (
    article_id varchar not null,
    cluster_id varchar not null,        -- the article_id of the story's first article (earliest published)
    is_first boolean not null,          -- the first article of its story: news, not a re-send or an update
    novelty double not null,            -- 0-1: how much of it no earlier article of its story said (1 for the first)
    cluster_size integer not null
);

create table if not exists story_clusters (
    cluster_id varchar not null,
    first_published timestamptz,        -- when the story first ran
    size integer not null,              -- articles telling it
    article_ids varchar[] not null      -- in order of publication
);

create table if not exists rejected_articles (
    source_path varchar not null,
    reason varchar not null,            -- a stable code: empty, binary, too_large, malformed_json, duplicate...
    detail varchar not null,            -- the reason in words
    size_bytes bigint,
    duplicate_of varchar,               -- for reason = duplicate: the path whose article was loaded
    detected_at timestamptz not null
);

create table if not exists pipeline_runs (
    run_id varchar not null,
    published_at timestamptz not null,
    articles_total integer not null,
    articles_added integer not null,
    articles_removed integer not null,
    articles_renamed integer not null,
    rejected_total integer not null
);
alter table pipeline_runs add column if not exists blank_lines integer; -- blank lines between JSONL records

-- What each article is about. Rebuilt from the mention tables at every publish.
create table if not exists article_entities (
    article_id varchar not null,
    entity_id varchar not null,
    mention_count integer not null,
    in_title boolean not null,
    in_lead boolean not null,           -- named in the first two sentences of the body
    first_sentence_index integer not null,
    relevance double not null,          -- 0..1 from title, lead, share of the article's mentions, position
    tone double                         -- mean tone of the sentences that name it
);

create table if not exists article_commodities (
    article_id varchar not null,
    commodity varchar not null,
    commodity_group varchar not null,
    mention_count integer not null,
    in_title boolean not null,
    in_lead boolean not null,
    first_sentence_index integer not null,
    share double not null,              -- this commodity's share of the article's commodity mentions
    relevance double not null,          -- 0..1 from title, lead, share and position
    is_primary boolean not null,        -- the article is about this commodity, not a passing mention
    topic_score double,                 -- the trained classifier's score behind is_primary (>= 0.5: primary)
    tone double                         -- mean tone of the sentences that name it: the sentence's polarity
                                        -- ("prices fell" is bad news); which way the price moved is direction
);

-- Warehouses made before the primary-commodity classifier: the new columns, empty for their old rows.
alter table commodity_mentions add column if not exists topic_score double;
alter table article_commodities add column if not exists topic_score double;

-- Warehouses made before tone: the columns, filled for old rows at the next publish (sql/publish/tone.sql).
alter table articles add column if not exists tone double;
alter table sentences add column if not exists tone double;
alter table sentences add column if not exists furniture varchar;
alter table entity_mentions add column if not exists role varchar default 'news';
alter table article_entities add column if not exists tone double;
alter table article_commodities add column if not exists tone double;
alter table entities add column if not exists ticker varchar;
alter table entities add column if not exists isin varchar;
alter table entity_mentions add column if not exists geonames_id bigint;
alter table entities add column if not exists geonames_id bigint;
