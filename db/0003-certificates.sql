-- certM3 schema, migration 0003: what certificates need beyond 0001.

-- The CRL served at /request/crl.pem, shared by every process and host:
-- one row, replaced whenever it is regenerated. `generation` is the
-- revocation generation it reflects (crl_state below); a CRL whose
-- generation is behind, or that is past half its lifetime, is made anew
-- by the next certm3-request that serves it.
CREATE TABLE crl (
    id		boolean PRIMARY KEY DEFAULT true CHECK (id),
    number	bigint NOT NULL CHECK (number > 0),
    generation	bigint NOT NULL,
    this_update	timestamptz NOT NULL,
    next_update	timestamptz NOT NULL,
    pem		text NOT NULL,
    CHECK (next_update > this_update)
);

-- CRL numbers only ever grow (RFC 5280 5.2.3), across hosts.
CREATE SEQUENCE crl_number AS bigint MINVALUE 1;

-- The revocation generation: bumped in the same transaction as every
-- change of a certificate's status, however it is made (the API, a
-- user's deactivation, or SQL by hand).
CREATE TABLE crl_state (
    id		boolean PRIMARY KEY DEFAULT true CHECK (id),
    generation	bigint NOT NULL DEFAULT 0
);
INSERT INTO crl_state DEFAULT VALUES;

CREATE FUNCTION crl_state_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE crl_state SET generation = generation + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER certificates_crl_state_update
    AFTER UPDATE ON certificates FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
	OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
	OR OLD.revocation_reason IS DISTINCT FROM NEW.revocation_reason
	OR OLD.serial IS DISTINCT FROM NEW.serial)
    EXECUTE FUNCTION crl_state_bump();
CREATE TRIGGER certificates_crl_state_insert
    AFTER INSERT ON certificates FOR EACH ROW
    WHEN (NEW.status = 'revoked')
    EXECUTE FUNCTION crl_state_bump();
CREATE TRIGGER certificates_crl_state_delete
    AFTER DELETE ON certificates FOR EACH ROW
    WHEN (OLD.status = 'revoked')
    EXECUTE FUNCTION crl_state_bump();

-- The CRL lists revoked certificates that have not long expired.
CREATE INDEX certificates_revoked ON certificates (not_after)
    WHERE status = 'revoked';

-- Certificate lists are newest first.
CREATE INDEX certificates_created ON certificates (created_at DESC, serial);

-- Tokens are listed newest first, per user or all.
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at DESC);
CREATE INDEX api_tokens_created ON api_tokens (created_at DESC, id);

-- Revocation reasons are RFC 5280 CRLReason names, never removeFromCRL.
ALTER TABLE certificates ADD CONSTRAINT certificates_reason_check
    CHECK (revocation_reason IS NULL OR revocation_reason IN
	('unspecified', 'keyCompromise', 'cACompromise',
	'affiliationChanged', 'superseded', 'cessationOfOperation',
	'certificateHold', 'privilegeWithdrawn', 'aACompromise'));
