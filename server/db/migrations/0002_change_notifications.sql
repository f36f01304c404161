-- Change notifications for the verify cache of every instance (server/db/change-feed.ts): any write that
-- ends, narrows or reassigns a token, or changes a user, notifies 'latchkey_changes' with 't:<token id>'
-- or 'u:<user id>'. Renewals (last_used_at, a later expires_at) and last_login do not: they never make a
-- cached answer wrong. Deleting an already expired token does not either: no cache serves it.
CREATE OR REPLACE FUNCTION latchkey_notify_token_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.expires_at IS NULL OR OLD.expires_at > now() THEN
      PERFORM pg_notify('latchkey_changes', 't:' || OLD.id);
    END IF;
    RETURN OLD;
  END IF;
  IF (NEW.id, NEW.user_id, NEW.digest, NEW.scopes, NEW.custom_lifetime, NEW.idle_ttl, NEW.max_expires_at)
       IS DISTINCT FROM (OLD.id, OLD.user_id, OLD.digest, OLD.scopes, OLD.custom_lifetime, OLD.idle_ttl, OLD.max_expires_at)
     OR (NEW.expires_at IS NOT NULL AND (OLD.expires_at IS NULL OR NEW.expires_at < OLD.expires_at)) THEN
    PERFORM pg_notify('latchkey_changes', 't:' || OLD.id);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER tokens_notify_change AFTER UPDATE OR DELETE ON tokens
  FOR EACH ROW EXECUTE FUNCTION latchkey_notify_token_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION latchkey_notify_user_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('latchkey_changes', 'u:' || OLD.id);
    RETURN OLD;
  END IF;
  IF (NEW.id, NEW.username, NEW.email, NEW.password, NEW.first_name, NEW.last_name, NEW.is_active, NEW.is_staff, NEW.is_superuser)
       IS DISTINCT FROM (OLD.id, OLD.username, OLD.email, OLD.password, OLD.first_name, OLD.last_name, OLD.is_active, OLD.is_staff, OLD.is_superuser) THEN
    PERFORM pg_notify('latchkey_changes', 'u:' || OLD.id);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_notify_change AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION latchkey_notify_user_change();
