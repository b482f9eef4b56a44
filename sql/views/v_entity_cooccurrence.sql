-- Which entities are named together in the same sentence, and how often?
create or replace view v_entity_cooccurrence as
with sentence_entities as (
    select distinct article_id, sentence_index, entity_id
    from entity_mentions
),

pairs as (
    select
        a.entity_id as entity_id_a,
        b.entity_id as entity_id_b,
        count(*) as sentence_count,
        count(distinct a.article_id) as article_count
    from sentence_entities as a
    join sentence_entities as b
        on a.article_id = b.article_id
        and a.sentence_index = b.sentence_index
        and a.entity_id < b.entity_id
    group by a.entity_id, b.entity_id
),

final as (
    select
        ea.canonical_name as entity_a,
        ea.entity_type as type_a,
        eb.canonical_name as entity_b,
        eb.entity_type as type_b,
        p.sentence_count,
        p.article_count,
        p.entity_id_a,
        p.entity_id_b
    from pairs as p
    join entities as ea on ea.entity_id = p.entity_id_a
    join entities as eb on eb.entity_id = p.entity_id_b
)

select * from final
order by sentence_count desc, entity_a, entity_b
