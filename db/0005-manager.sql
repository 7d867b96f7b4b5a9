-- certM3 migration 0005: secrets shared by every process and host
-- (the manager's CSRF key). Values are made by the apps from the OpenSSL
-- CSPRNG on first use.
CREATE TABLE app_secrets (
    name	text PRIMARY KEY,
    value	text NOT NULL CHECK (value ~ '^[0-9a-f]{64}$'),
    created_at	timestamptz NOT NULL DEFAULT now()
);
