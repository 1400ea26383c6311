-- Admins' statistics at scale, written in the server (`python -m bench generate` writes every
-- table through COPY from Python, which took too long on a shared machine): 100,002 members,
-- 2,000,000 requests over 400 days with the generator's final-status weights, and 6,000
-- availability changes. Run on a freshly migrated database:
--   psql mg_bench_stats -f bench/statistics_data.sql
-- then `python -m bench.statistics postgres://.../mg_bench_stats`.
INSERT INTO users (id, email, password_hash, name, title, bio, is_mentor, is_admin, available,
                   capacity, created_at, updated_at)
SELECT g, 'member' || g || '@bench.test', 'x', 'Member ' || g, '', '', g <= 16667, g = 100002,
       true, 3, now() - interval '500 days', now() - interval '500 days'
FROM generate_series(1, 100002) g;
SELECT setval(pg_get_serial_sequence('users', 'id'), 100002);

-- Mentee i % 83335 asks mentor ((i / 83335) * 101 + i) % 16667: no pair twice.
INSERT INTO mentorship_requests (mentor_id, mentee_id, status, message, background, expectation,
                                 decline_reason, created_at, updated_at, viewed_at, responded_at)
SELECT ((i / 83335) * 101 + i) % 16667 + 1, 16668 + i % 83335, status, 'm', 'b', 'e',
       CASE WHEN status = 'DECLINED' THEN
         CASE WHEN inactive THEN 'MENTOR_INACTIVE' ELSE 'NOT_A_GOOD_FIT' END END,
       created,
       CASE WHEN status = 'COMPLETED' THEN least(now(), answered + interval '1 day' * random() * 120)
            WHEN answered IS NOT NULL THEN answered ELSE created END,
       CASE WHEN status <> 'NEW' THEN created END,
       answered
FROM (
  SELECT i, status, created, inactive,
         CASE WHEN status IN ('APPROVED', 'COMPLETED')
                OR (status = 'DECLINED' AND NOT inactive)
              THEN least(now(), created - interval '1 hour' * 30 * ln(1 - random())) END AS answered
  FROM (
    SELECT i, now() - interval '1 day' * random() * 400 AS created, random() < 0.25 AS inactive,
           CASE WHEN r < 4 THEN 'NEW' WHEN r < 7 THEN 'VIEWED' WHEN r < 12 THEN 'APPROVED'
                WHEN r < 32 THEN 'COMPLETED' WHEN r < 65 THEN 'DECLINED'
                WHEN r < 80 THEN 'CANCELLED' ELSE 'EXPIRED' END AS status
    FROM (SELECT i, random() * 100 AS r FROM generate_series(0, 1999999) i) drawn
  ) made
) answered;

INSERT INTO availability_changes (mentor_id, available, actor_id, reason, occurred_at)
SELECT 1 + (g * 13) % 16667, random() < 0.2, CASE WHEN random() < 0.3 THEN 100002 END, 'bench',
       now() - interval '1 day' * random() * 400
FROM generate_series(1, 6000) g;

VACUUM ANALYZE;
