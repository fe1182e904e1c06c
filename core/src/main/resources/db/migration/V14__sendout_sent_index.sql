-- The api's bound on pending workflow work counts the sendouts sent in the last seconds, once a
-- second, to learn how fast the workflows get through their work: a short range of this index.
create index sendout_sent_idx on sendout (sent_at) where sent_at is not null;
