-- Failed logins (issue 6), in the store so every server of a cluster counts the same failures:
-- an attacker gets the same few tries whichever server the load balancer sends them to. key is
-- "n:" and the lowercased name or email tried, or "a:" and the client address. Rows older than
-- the throttle's window are deleted as new ones come, so the table stays small.
CREATE TABLE login_failures (
  key text COLLATE "C" NOT NULL,
  at  bigint NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
CREATE INDEX login_failures_by_time ON login_failures (at);
