-- rejected_articles mirrors the folder: this run's rejections replace the last run's.
delete from rejected_articles;

insert into rejected_articles by name
select * from staging.rejected_articles;
