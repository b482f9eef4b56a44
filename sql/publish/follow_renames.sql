-- A file moved or renamed keeps its article (the id is the content's): only its path changes.
update articles set source_path = f.source_path
from staging.folder_articles as f
where f.article_id = articles.article_id and articles.source_path <> f.source_path;
