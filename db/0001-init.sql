-- certM3 schema, migration 0001: every table of SPEC §2.
-- Applied by `certm3-api --migrate` inside one transaction.

-- ISO-8601 UTC text for timestamps: what every JSON answer carries.
CREATE FUNCTION iso_utc(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE DOMAIN username_t AS text
    CHECK (VALUE ~ '^[a-z][a-z0-9._-]{2,31}$');
CREATE DOMAIN email_t AS text
    CHECK (octet_length(VALUE) <= 254 AND VALUE ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$');
CREATE DOMAIN display_name_t AS text
    CHECK (char_length(VALUE) BETWEEN 1 AND 128 AND VALUE !~ '[[:cntrl:]]');

CREATE TABLE users (
    id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username	username_t NOT NULL,
    display_name display_name_t NOT NULL,
    email	email_t NOT NULL,
    status	text NOT NULL DEFAULT 'active'
		CHECK (status IN ('active', 'inactive')),
    created_at	timestamptz NOT NULL DEFAULT now(),
    created_by	text NOT NULL DEFAULT 'system',
    updated_at	timestamptz NOT NULL DEFAULT now(),
    updated_by	text NOT NULL DEFAULT 'system'
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE requests (
    id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username	username_t NOT NULL,
    display_name display_name_t NOT NULL,
    email	email_t NOT NULL,
    status	text NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'completed', 'revalidating',
		    'cancelled', 'expired')),
    challenge_hash text CHECK (challenge_hash ~ '^[0-9a-f]{64}$'),
    challenge_expires_at timestamptz,
    failed_attempts integer NOT NULL DEFAULT 0,
    user_id	uuid REFERENCES users (id),
    created_at	timestamptz NOT NULL DEFAULT now(),
    created_by	text NOT NULL DEFAULT 'system',
    updated_at	timestamptz NOT NULL DEFAULT now(),
    updated_by	text NOT NULL DEFAULT 'system'
);
CREATE UNIQUE INDEX requests_challenge_key ON requests (challenge_hash);
CREATE INDEX requests_username_live ON requests (username)
    WHERE status IN ('pending', 'revalidating');
CREATE INDEX requests_status_created ON requests (status, created_at DESC);
CREATE INDEX requests_user ON requests (user_id);

CREATE TABLE groups (
    name	username_t PRIMARY KEY,
    display_name display_name_t NOT NULL,
    description	text NOT NULL DEFAULT ''
		CHECK (char_length(description) <= 1024),
    status	text NOT NULL DEFAULT 'active'
		CHECK (status IN ('active', 'inactive')),
    created_at	timestamptz NOT NULL DEFAULT now(),
    created_by	text NOT NULL DEFAULT 'system',
    updated_at	timestamptz NOT NULL DEFAULT now(),
    updated_by	text NOT NULL DEFAULT 'system'
);

CREATE TABLE user_groups (
    user_id	uuid NOT NULL REFERENCES users (id),
    group_name	text NOT NULL REFERENCES groups (name) ON DELETE CASCADE
		ON UPDATE CASCADE,
    created_at	timestamptz NOT NULL DEFAULT now(),
    created_by	text NOT NULL DEFAULT 'system',
    PRIMARY KEY (user_id, group_name)
);
CREATE INDEX user_groups_group ON user_groups (group_name, user_id);

CREATE TABLE certificates (
    serial	text PRIMARY KEY CHECK (serial ~ '^[0-9a-f]{1,40}$'),
    user_id	uuid NOT NULL REFERENCES users (id),
    username	username_t NOT NULL,
    common_name	text NOT NULL,
    email	email_t NOT NULL,
    groups	text[] NOT NULL,
    fingerprint	text NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    key_type	text NOT NULL DEFAULT 'ec',
    not_before	timestamptz NOT NULL,
    not_after	timestamptz NOT NULL,
    status	text NOT NULL DEFAULT 'active'
		CHECK (status IN ('active', 'revoked')),
    revoked_at	timestamptz,
    revoked_by	text,
    revocation_reason text,
    pem		text NOT NULL,
    created_at	timestamptz NOT NULL DEFAULT now(),
    created_by	text NOT NULL DEFAULT 'system',
    updated_at	timestamptz NOT NULL DEFAULT now(),
    updated_by	text NOT NULL DEFAULT 'system',
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
    CHECK (not_after > not_before)
);
CREATE INDEX certificates_user ON certificates (user_id, created_at DESC);
CREATE INDEX certificates_username ON certificates (username);
CREATE INDEX certificates_status_after ON certificates (status, not_after);

CREATE TABLE audit_log (
    id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at		timestamptz NOT NULL DEFAULT now(),
    actor	text NOT NULL,
    action	text NOT NULL,
    target_type	text NOT NULL,
    target	text NOT NULL,
    client_addr	text,
    detail	jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_target ON audit_log (target, id DESC);

-- Counters and backoff state, shared by every process and host.
CREATE TABLE rate_limits (
    key		text PRIMARY KEY,
    hits	integer NOT NULL DEFAULT 0,
    window_start timestamptz NOT NULL DEFAULT now(),
    failures	integer NOT NULL DEFAULT 0,
    blocked_until timestamptz NOT NULL DEFAULT '-infinity'
);

CREATE TABLE api_tokens (
    id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id	uuid NOT NULL REFERENCES users (id),
    name	text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 128),
    token_hash	text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    expires_at	timestamptz,
    last_used_at timestamptz,
    revoked_at	timestamptz,
    created_at	timestamptz NOT NULL DEFAULT now(),
    created_by	text NOT NULL DEFAULT 'system'
);

-- Validation sessions of /request (and manager sessions later).
CREATE TABLE sessions (
    id_hash	text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    user_id	uuid NOT NULL REFERENCES users (id),
    kind	text NOT NULL DEFAULT 'request',
    created_at	timestamptz NOT NULL DEFAULT now(),
    expires_at	timestamptz NOT NULL,
    revoked_at	timestamptz,
    client_addr	text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The `users` group: present from the start, never deleted nor renamed,
-- and nobody leaves it.
INSERT INTO groups (name, display_name, description)
    VALUES ('users', 'Users', 'Everyone with a certificate.');

CREATE FUNCTION protect_users_group() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.name = 'users' AND (TG_OP = 'DELETE' OR NEW.name <> 'users') THEN
	RAISE EXCEPTION 'group_users_protected'
	    USING HINT = 'The users group cannot be deleted or renamed.';
    END IF;
    IF TG_OP = 'DELETE' THEN
	RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER groups_protect_users BEFORE DELETE OR UPDATE OF name
    ON groups FOR EACH ROW EXECUTE FUNCTION protect_users_group();

CREATE FUNCTION protect_users_membership() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.group_name = 'users' THEN
	RAISE EXCEPTION 'membership_users_protected'
	    USING HINT = 'Nobody can be removed from the users group.';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER user_groups_protect_users BEFORE DELETE
    ON user_groups FOR EACH ROW EXECUTE FUNCTION protect_users_membership();

-- A username is unique across users and live requests. A transaction
-- that claims a name takes an advisory lock on it first, so of concurrent
-- claims the later ones wait and then see the winner's committed row.
-- A live request that belongs to the user of that name is no conflict.
CREATE FUNCTION claim_username() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    owner uuid;
BEGIN
    IF TG_TABLE_NAME = 'requests' THEN
	IF NEW.status NOT IN ('pending', 'revalidating') THEN
	    RETURN NEW;
	END IF;
	IF TG_OP = 'UPDATE' AND OLD.status IN ('pending', 'revalidating')
	    AND OLD.username = NEW.username THEN
	    RETURN NEW;
	END IF;
	owner := NEW.user_id;
    ELSE
	IF TG_OP = 'UPDATE' AND OLD.username = NEW.username THEN
	    RETURN NEW;
	END IF;
	owner := NEW.id;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('username:' ||
	NEW.username, 0));
    IF EXISTS (SELECT 1 FROM users u WHERE u.username = NEW.username
	    AND u.id IS DISTINCT FROM owner)
	OR EXISTS (SELECT 1 FROM requests r WHERE r.username = NEW.username
	    AND r.status IN ('pending', 'revalidating')
	    AND r.id IS DISTINCT FROM NEW.id
	    AND (owner IS NULL OR r.user_id IS DISTINCT FROM owner)) THEN
	RAISE EXCEPTION USING ERRCODE = 'unique_violation',
	    MESSAGE = 'username_taken', CONSTRAINT = 'username_taken';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER requests_claim_username BEFORE INSERT OR UPDATE
    OF username, status ON requests
    FOR EACH ROW EXECUTE FUNCTION claim_username();
CREATE TRIGGER users_claim_username BEFORE INSERT OR UPDATE OF username
    ON users FOR EACH ROW EXECUTE FUNCTION claim_username();
