-- Failed logins (issue 6), in the store as on PostgreSQL (where every server of a cluster counts
-- the same failures). key is "n:" and the lowercased name or email tried, or "a:" and the client
-- address. Rows older than the throttle's window are deleted as new ones come.
CREATE TABLE login_failures (
  key TEXT    NOT NULL,
  at  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_key ON login_failures (key, at);
CREATE INDEX login_failures_by_time ON login_failures (at);
