-- What a lenient submission ignored (unknown fields, parameters without a proxy pool or a browser), as a JSON array
-- of sentences, shown on the job wherever it appears. Null when there was nothing to say: most jobs, at no cost
-- (a null column takes no space; adding a nullable column without a default rewrites nothing).
alter table job add column warnings text;
