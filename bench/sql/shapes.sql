-- Read functions for the benchmark's PostGraphile schema (computed columns and a custom query,
-- PostGraphile's own way to expose derived data) and for the bare endpoint. They compute what
-- mentorgraph computes in Python (models/responsiveness.py, models/directory.py).

-- Never expose password hashes through PostGraphile.
COMMENT ON COLUMN users.password_hash IS E'@behavior -*';

CREATE OR REPLACE FUNCTION users_tags(u users) RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(tag ORDER BY position), '{}') FROM user_tags WHERE user_id = u.id
$$;

CREATE OR REPLACE FUNCTION users_spoken_languages(u users) RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(language ORDER BY position), '{}')
  FROM user_languages WHERE user_id = u.id
$$;

DO $$ BEGIN
  CREATE TYPE responsiveness AS (
    response_rate float8,
    median_response_hours float8,
    last_active_at timestamptz,
    open_requests int,
    active_mentees int
  );
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- models/responsiveness.py in one statement: null for members who are not mentors.
CREATE OR REPLACE FUNCTION users_responsiveness(u users) RETURNS responsiveness
LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT status, created_at, viewed_at, responded_at,
           responded_at IS NOT NULL AND decline_reason IS DISTINCT FROM 'MENTOR_INACTIVE'
             AS answered,
           created_at >= now() - interval '180 days' AS recent
    FROM mentorship_requests
    WHERE mentor_id = u.id
      AND (created_at >= now() - interval '180 days'
           OR status IN ('NEW', 'VIEWED', 'APPROVED')
           OR responded_at >= now() - interval '180 days')
  ), t AS (
    SELECT count(*) FILTER (WHERE recent AND answered) AS answered,
           count(*) FILTER (WHERE recent AND NOT answered AND status IN ('EXPIRED', 'DECLINED'))
             AS unanswered,
           percentile_cont(0.5) WITHIN GROUP
             (ORDER BY extract(epoch FROM responded_at - created_at) / 3600)
             FILTER (WHERE recent AND answered) AS median_hours,
           greatest(max(responded_at) FILTER (WHERE answered), max(viewed_at)) AS last_active,
           count(*) FILTER (WHERE status IN ('NEW', 'VIEWED')) AS open,
           count(*) FILTER (WHERE status = 'APPROVED') AS active
    FROM r
  )
  SELECT CASE WHEN u.is_mentor THEN ROW(
    CASE WHEN answered + unanswered > 0
      THEN round(answered::numeric / (answered + unanswered), 4)::float8 END,
    round(median_hours::numeric, 1)::float8,
    last_active,
    open::int,
    active::int
  )::responsiveness END
  FROM t
$$;

-- The directory filtered by one tag, newest mentor first (mentors(filter: {tags: [$tag]})).
CREATE OR REPLACE FUNCTION mentors_by_tag(tag text) RETURNS SETOF users
LANGUAGE sql STABLE AS $$
  SELECT u.* FROM users u
  WHERE u.is_mentor AND u.available
    AND u.id IN (SELECT t.user_id FROM user_tags t WHERE t.tag = mentors_by_tag.tag)
  ORDER BY u.id DESC
$$;

-- The README's mentor overview (shape 5): a mentor's open received requests, newest first
-- (receivedRequests(status: [NEW, VIEWED])), and a request's history as a list, oldest first.
CREATE OR REPLACE FUNCTION users_open_received_requests(u users) RETURNS SETOF mentorship_requests
LANGUAGE sql STABLE AS $$
  SELECT * FROM mentorship_requests
  WHERE mentor_id = u.id AND status IN ('NEW', 'VIEWED')
  ORDER BY id DESC
$$;

CREATE OR REPLACE FUNCTION mentorship_requests_history(r mentorship_requests)
RETURNS SETOF request_events
LANGUAGE sql STABLE AS $$
  SELECT * FROM request_events WHERE request_id = r.id ORDER BY id
$$;
COMMENT ON FUNCTION mentorship_requests_history(mentorship_requests) IS
  E'@behavior -connection +list';

-- Shape 9's mutation for PostGraphile, which exposes a VOLATILE function as a custom mutation
-- (markMentorshipRequestViewed(input: {requestId, mentorId})): the mentor marks a request viewed,
-- by models/lifecycle.py's rule for this step. Only the request's mentor (PostGraphile runs
-- without our tokens here: the mentor's id is an argument, checked as the token's would be);
-- NEW becomes VIEWED with its event, VIEWED is returned unchanged with nothing written, any
-- other status is refused. The row is locked first, as `transition` locks it.
CREATE OR REPLACE FUNCTION mark_mentorship_request_viewed(request_id int, mentor_id int)
RETURNS mentorship_requests
LANGUAGE plpgsql VOLATILE STRICT AS $$
DECLARE
  r mentorship_requests;
BEGIN
  SELECT * INTO r FROM mentorship_requests m
  WHERE m.id = mark_mentorship_request_viewed.request_id FOR UPDATE;
  IF NOT FOUND OR r.mentor_id <> mark_mentorship_request_viewed.mentor_id THEN
    RAISE EXCEPTION 'This request does not exist.' USING ERRCODE = 'no_data_found';
  END IF;
  IF r.status = 'VIEWED' THEN
    RETURN r;
  END IF;
  IF r.status <> 'NEW' THEN
    RAISE EXCEPTION 'Only a NEW request can be marked viewed.' USING ERRCODE = 'check_violation';
  END IF;
  UPDATE mentorship_requests m SET status = 'VIEWED', viewed_at = now(), updated_at = now()
  WHERE m.id = r.id RETURNING * INTO r;
  INSERT INTO request_events (from_status, to_status, occurred_at, actor_id, request_id, kind)
  VALUES ('NEW', 'VIEWED', now(), r.mentor_id, r.id, 'STATUS_CHANGE');
  RETURN r;
END
$$;
