-- certM3 migration 0006: rate-limit state needs no durability.
-- Counters and backoff are consulted on every enrollment step; as an
-- UNLOGGED table they cost no WAL flush per check (bench/RESULTS.md).
-- After a PostgreSQL crash the table starts empty: every client's limits
-- start afresh, which is acceptable for limits counted in minutes and
-- hours. Every app talks to the same primary, so no standby needs it.
ALTER TABLE rate_limits SET UNLOGGED;
